//! The policy file (TOML), parsed and validated. See
//! `blastgate_core::policy` for the fields and docs/model.md for what each
//! number means.

use blastgate_change::ChangeError;
use blastgate_core::{Policy, policy};

/// Parses and validates a policy.
///
/// # Errors
/// [`ChangeError::Syntax`] for malformed TOML, [`ChangeError::Schema`] for
/// an unknown key or a wrong type (with line and column; unknown keys are
/// errors so a typo cannot switch a rule off), [`ChangeError::InvalidValue`]
/// for a policy that breaks an invariant (a decreasing matrix, unordered
/// bands, a non-finite weight, a duplicate rule id), with its TOML path;
/// [`ChangeError::LimitExceeded`] past `max_policy_bytes`,
/// `max_policy_rules`, `max_seniority_levels`, `max_shape_points`,
/// `max_string_bytes` (any text: `blastgate_core::policy::Policy::texts`),
/// `max_control_paths` (the
/// patterns of one `delivery_control` rule, or of all together), and a
/// `delivery_control` rule's `max_string_bytes` and
/// `max_pattern_wildcards` (`blastgate_core::policy`),
/// or for values nested deeper than `max_nesting_depth`.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Policy, ChangeError> {
    if bytes.len() as u64 > policy::MAX_POLICY_BYTES {
        return Err(ChangeError::limit(file, "max_policy_bytes", policy::MAX_POLICY_BYTES, bytes.len() as u64));
    }
    let text = crate::doc::utf8(file, bytes)?;
    crate::doc::check_toml_depth(file, bytes)?;
    let policy: Policy = toml::from_str::<Policy>(text).map(Policy::without_negative_zeros).map_err(|e| {
        let (place, message) = refined(text, e.span(), e.message());
        if let Some(limit) = crate::doc::toml_depth_error(file, &message) {
            limit.into()
        } else if message == "missing field `rule`" {
            // The rules were left out: say how to fix it, and that no
            // rules at all is written on purpose.
            ChangeError::schema(file, place, "", message).with_help(
                "a policy lists its hard rules as `[[rule]]` tables (start from the default policy's, \
                 which `blastgate policy default` prints); for a policy without rules, say so with \
                 `rule = []` before the first table",
            )
        } else if message.contains("unknown field")
            || message.contains("missing field")
            || message.contains("invalid type")
            || message.contains("unknown variant")
            || message.contains("invalid length")
            || message.starts_with("invalid value")
            || message.starts_with("duplicate key")
        {
            ChangeError::schema(file, place, crate::doc::value_in_message(&message), message)
        } else {
            ChangeError::syntax(file, place, "", message)
        }
    })?;
    check_limits(file, &policy)?;
    policy.validate().map_err(|p| {
        // (Found after parsing: the line and the value, read from the
        // text by the problem's path; a red team found these errors named
        // neither.)
        let (place, value) = match value_at(text, &p.place) {
            Some((at, value)) => (format!("{}: {}", line_col(text, at), p.place), value),
            None => (p.place, String::new()),
        };
        ChangeError::invalid(file, place, value, p.message)
    })?;
    // A `[likelihood]` copied from a model file keeps the fit's version:
    // its numbers must be the fit's (a red-team pass: an edited copy in a
    // policy named the fit in every answer).
    // A policy has bands of its own whether or not the model proposed
    // them: the fit's version names the model with them or without.
    let check = |bands| blastgate_calibrate::check_model_version(&policy.likelihood, bands);
    if let Err(message) = check(Some(&policy.bands)).or_else(|_| check(None)) {
        return Err(ChangeError::invalid(file, "likelihood.version", policy.likelihood.version.as_str(), message)
            .with_help("copy the model's [likelihood] as written, or give the edited model a version of its own"));
    }
    Ok(policy)
}

/// The policy's limits, as typed limit errors (exit 3) before validation,
/// which would refuse the same policies as invalid values; a model file's
/// sections are held to them too (a red team: a model's 4,097-byte text
/// was an invalid value where a policy's was a limit).
pub(crate) fn check_limits(file: &str, policy: &Policy) -> Result<(), ChangeError> {
    let counts = [
        ("rule", "max_policy_rules", policy::MAX_RULES, policy.rules.len()),
        ("seniority.scale", "max_seniority_levels", policy::MAX_SENIORITY_LEVELS, policy.seniority.scale.len()),
    ];
    let shapes = policy.likelihood.shapes.iter().map(|(metric, shape)| {
        let points = shape.values.len().max(shape.log_odds.len());
        (format!("likelihood.shapes.{metric}.values"), "max_shape_points", policy::MAX_SHAPE_POINTS, points)
    });
    let texts = policy
        .texts()
        .into_iter()
        .map(|(place, text)| (place, "max_string_bytes", policy::MAX_POLICY_STRING_BYTES, text.len()));
    let counts = counts.into_iter().map(|(place, limit, max, observed)| (place.to_owned(), limit, max, observed));
    for (place, limit, max, observed) in counts.chain(shapes).chain(texts) {
        if observed > max {
            return Err(ChangeError::limit(&format!("{file}: {place}"), limit, max as u64, observed as u64));
        }
    }
    // The limit on patterns holds for each rule and for all of them
    // together (every pattern is compiled: 4,000 rules of 50 patterns took
    // seconds to check and a gigabyte to assess with, a red-team finding).
    let mut patterns = 0usize;
    for (i, rule) in policy.rules.iter().enumerate() {
        let policy::RuleCheck::DeliveryControl { paths } = &rule.check else { continue };
        patterns = patterns.saturating_add(paths.len());
        if paths.len() > policy::MAX_CONTROL_PATHS || patterns > policy::MAX_CONTROL_PATHS {
            let place = format!("{file}: rule[{i}].paths");
            let observed = if paths.len() > policy::MAX_CONTROL_PATHS { paths.len() } else { patterns };
            return Err(ChangeError::limit(
                &place,
                "max_control_paths",
                policy::MAX_CONTROL_PATHS as u64,
                observed as u64,
            ));
        }
        for (j, pattern) in paths.iter().enumerate() {
            let place = format!("{file}: rule[{i}].paths[{j}]");
            let wildcards = pattern.chars().filter(|c| matches!(c, '*' | '?')).count();
            if pattern.len() > policy::MAX_CONTROL_PATH_BYTES {
                let max = policy::MAX_CONTROL_PATH_BYTES as u64;
                return Err(ChangeError::limit(&place, "max_string_bytes", max, pattern.len() as u64));
            }
            if wildcards > policy::MAX_CONTROL_PATH_WILDCARDS {
                let max = policy::MAX_CONTROL_PATH_WILDCARDS as u64;
                return Err(ChangeError::limit(&place, "max_pattern_wildcards", max, wildcards as u64));
            }
        }
    }
    Ok(())
}

/// The embedded default policy, parsed.
///
/// # Errors
/// Never for the shipped default (a test checks it); typed as fallible so
/// a broken build fails closed instead of panicking.
pub fn default_policy() -> Result<Policy, ChangeError> {
    parse("(default policy)", blastgate_core::DEFAULT_POLICY.as_bytes())
}

/// The place and message of a TOML error, made to name what it is about
/// (a red team: "duplicate key" named no key; in a rule whose check takes
/// parameters, a misspelt key or a wrong value was placed on the
/// `[[rule]]` line, serde having read the table whole, and the keys listed
/// were the check's alone).
fn refined(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> (String, String) {
    let place = |at: usize| line_col(text, at);
    let Some(span) = span else { return (String::new(), message.to_owned()) };
    let found = text.get(span.clone()).unwrap_or_default().trim();
    if message == "duplicate key" && !found.is_empty() && !found.contains('\n') {
        return (place(span.start), format!("duplicate key `{found}`: a key or a table may be given once"));
    }
    // An error about a whole `[[rule]]` table: the line of the key it
    // names, found in the table (up to the next table's header).
    if found.starts_with("[[rule]]") {
        let token = crate::doc::value_in_message(message);
        let table = text.get(span.start..).unwrap_or_default();
        let body = table.split_once('\n').map_or("", |(_, rest)| rest);
        let header_len = table.len() - body.len();
        let mut offset = span.start + header_len;
        for line in body.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with('[') {
                break;
            }
            let key = trimmed.split_once('=').map(|(k, _)| k.trim());
            let names_it = !token.is_empty()
                && (key == Some(token.as_str())
                    || trimmed.split_once('=').is_some_and(|(_, v)| v.contains(&format!("\"{token}\""))));
            if names_it {
                let mut message = message.to_owned();
                if message.starts_with("unknown field") && !message.contains("`min_depth`") {
                    message.push_str(&format!(
                        ", or one every rule has: {}",
                        policy::RULE_FIELDS.map(|f| format!("`{f}`")).join(", ")
                    ));
                }
                return (place(offset + (line.len() - trimmed.len())), message);
            }
            offset += line.len();
        }
    }
    (place(span.start), message.to_owned())
}

/// Where the value at `place` (a policy problem's path: `matrix[3]`,
/// `bands.likelihood`, `rule[1].paths[0]`) starts in a policy's `text`,
/// and its text on one line (at most 120 bytes); `None` when the path
/// leads to no value written there (a default).
fn value_at(text: &str, place: &str) -> Option<(usize, String)> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut found: Option<&toml::Spanned<toml::de::DeValue<'_>>> = None;
    for part in place.split('.') {
        let (name, indices) = part.split_once('[').map_or((part, ""), |(n, rest)| (n, rest));
        let mut here = table.get(name)?;
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().ok()?;
            here = match here.get_ref() {
                toml::de::DeValue::Array(items) => items.get(i)?,
                _ => return None,
            };
        }
        if let toml::de::DeValue::Table(inner) = here.get_ref() {
            table = inner;
        }
        found = Some(here);
    }
    let span = found?.span();
    let written = text.get(span.clone()).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    let mut shown: String = written.chars().take(120).collect();
    if shown.len() < written.len() {
        shown.push_str("...");
    }
    Some((span.start, shown))
}

fn line_col(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}

/// The JSON Schema of the policy (as it would look in JSON; the file is
/// TOML with the same structure).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Policy);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_parses_and_validates() {
        let p = default_policy().unwrap();
        assert_eq!(p.format, "blastgate.dev/v1");
        assert!(p.rules.len() >= 10);
        assert_eq!(p.error_depth, blastgate_core::ReviewDepth::Block);
    }

    fn with(replace: &str, by: &str) -> Result<Policy, ChangeError> {
        let text = blastgate_core::DEFAULT_POLICY.replacen(replace, by, 1);
        assert_ne!(text, blastgate_core::DEFAULT_POLICY, "`{replace}` not found");
        parse("p.toml", text.as_bytes())
    }

    #[test]
    fn delivery_control_paths_are_checked() {
        let paths = "paths = [\n  \".github/workflows/\"";
        let rule = |by: &str| with(paths, &format!("paths = [{by}, \".github/workflows/\""));
        for (bad, says) in [
            ("\"!docs/\"", "negation"),
            ("\"ci/[ab].yml\"", "`[ ]`"),
            ("\"ci\\\\x\"", "`[ ]`"),
            ("\"\"", "empty"),
            ("\" ci/\"", "spaces"),
            ("\"ci//x\"", "never matches"),
            ("\"/\"", "never matches"),
            ("\"ci/\\u202e\"", "hidden"),
            ("\"./ops/\"", "never matches"),
            ("\"ops/./policy.toml\"", "never matches"),
            ("\"/ops/../ops/\"", "never matches"),
            ("\"*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*\"", "max_pattern_wildcards"),
        ] {
            let e = rule(bad).unwrap_err();
            let text = e.to_string();
            assert!(text.contains("paths[0]") && text.contains(says), "{bad}: {text}");
            let limit = says.starts_with("max_");
            assert_eq!(e.kind_name(), if limit { "limit_exceeded" } else { "invalid_value" }, "{bad}: {text}");
        }
        let e = with("check = \"delivery_control\"", "check = \"delivery_control\"\nbogus = 1").unwrap_err();
        assert!(e.to_string().contains("unknown field `bogus`"), "{e}");
        let many: Vec<String> = (0..=blastgate_core::policy::MAX_CONTROL_PATHS).map(|i| format!("\"d{i}/\"")).collect();
        let e = with(paths, &format!("paths = [{},\n  \".github/workflows/\"", many.join(", "))).unwrap_err();
        assert!(e.to_string().contains("max_control_paths"), "{e}");
        assert_eq!(e.kind_name(), "limit_exceeded", "{e}");
        let start = blastgate_core::DEFAULT_POLICY.find(paths).unwrap();
        let end = start + blastgate_core::DEFAULT_POLICY.get(start..).unwrap().find(']').unwrap() + 1;
        let list = blastgate_core::DEFAULT_POLICY.get(start..end).unwrap();
        let e = with(list, "paths = []").unwrap_err();
        assert!(e.to_string().contains("no patterns"), "{e}");
        // The error says what to write instead (red team 24: it said `/ops/`
        // of any pattern).
        let e = rule("\"ops/./policy.toml\"").unwrap_err();
        assert!(e.to_string().contains("as `ops/policy.toml`"), "{e}");
        // What a user adds is read: the gate's own inputs.
        let p = rule("\"/ops/\"").unwrap();
        let found = p.rules.iter().find(|r| r.id == "delivery-control").unwrap();
        let blastgate_core::policy::RuleCheck::DeliveryControl { paths } = &found.check else { panic!() };
        assert_eq!(paths.first().map(String::as_str), Some("/ops/"));
    }

    /// The limit on patterns holds for all the rules together too: 40
    /// rules of 30 patterns, each within the limit, are 1,200 in all (a
    /// red-team finding: 4,000 rules of 50 took seconds to check).
    #[test]
    fn delivery_control_patterns_are_limited_in_all() {
        let rule = |i: usize| {
            let paths: Vec<String> = (0..30).map(|j| format!("\"r{i}/p{j}/\"")).collect();
            format!(
                "\n[[rule]]\nid = \"dc{i}\"\ncheck = \"delivery_control\"\nmin_depth = \"senior\"\npaths = [{}]\n",
                paths.join(", ")
            )
        };
        let text = blastgate_core::DEFAULT_POLICY.to_owned() + &(0..40).map(rule).collect::<String>();
        let e = parse("p.toml", text.as_bytes()).unwrap_err();
        assert_eq!(e.kind_name(), "limit_exceeded", "{e}");
        assert!(e.to_string().contains("max_control_paths"), "{e}");
        let fits = blastgate_core::DEFAULT_POLICY.to_owned() + &(0..20).map(rule).collect::<String>();
        parse("p.toml", fits.as_bytes()).unwrap();
    }

    #[test]
    fn typos_and_bad_values_are_errors() {
        let e = with("min_depth = \"senior\"", "min_dept = \"senior\"").unwrap_err();
        assert_eq!(e.kind_name(), "schema", "{e}");
        let e = with("likelihood = [0.05, 0.15, 0.35]", "likelihood = [0.15, 0.05, 0.35]").unwrap_err();
        assert!(e.to_string().contains("bands.likelihood"), "{e}");
        let e =
            with("[\"auto\",  \"peer\",   \"owner\",  \"owner\"]", "[\"auto\",  \"block\",   \"owner\",  \"owner\"]")
                .unwrap_err();
        assert!(e.to_string().contains("matrix[0]"), "{e}");
        // (Found after parsing, named by its line and value too: a red
        // team found neither.)
        let line = blastgate_core::DEFAULT_POLICY
            .lines()
            .position(|l| l.contains("[\"auto\",  \"peer\",   \"owner\",  \"owner\"]"));
        let at = format!("line {}, column", line.unwrap() + 1);
        assert!(e.to_string().contains(&format!("{at} ")) && e.to_string().contains("matrix[0]"), "{e}");
        assert!(e.to_string().contains("`[\"auto\", \"block\", \"owner\", \"owner\"]`"), "{e}");
        let e = with("senior = \"senior\"", "senior = \"wizard\"").unwrap_err();
        assert!(e.to_string().contains("seniority.senior"), "{e}");
        let e = with("id = \"collision\"", "id = \"freeze\"").unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
        let e = with("check = \"collision\"", "check = \"colision\"").unwrap_err();
        assert_eq!(e.kind_name(), "schema", "{e}");
        let e = with("format = \"blastgate.dev/v1\"", "format = \"blastgate.dev/v9\"").unwrap_err();
        assert!(e.to_string().contains("blastgate.dev/v9"), "{e}");
        let e = with("intercept = -4.5", "intercept = nan").unwrap_err();
        assert!(e.to_string().contains("likelihood.intercept"), "{e}");
        let e = with("log_lines_added = 0.45", "log_lines_addded = 0.45").unwrap_err();
        assert!(e.to_string().contains("unknown feature `log_lines_addded`"), "{e}");
        let e = parse("p.toml", b"format = ").unwrap_err();
        assert_eq!(e.kind_name(), "syntax", "{e}");
        // Found by an audit: tier weights written the wrong way round made
        // a tier-0 change look safest; a zero-minute window missed every
        // freeze starting after `now`. (Equal weights stay allowed.)
        let e = with("weights = [8.0, 4.0, 2.0, 1.0]", "weights = [1.0, 2.0, 4.0, 8.0]").unwrap_err();
        assert!(e.to_string().contains("tiers.weights[1]") && e.to_string().contains("must not grow"), "{e}");
        assert!(with("weights = [8.0, 4.0, 2.0, 1.0]", "weights = [1.0, 1.0, 1.0, 1.0]").is_ok());
        let e = with("weights = [8.0, 4.0, 2.0, 1.0]", "weights = [1e308, 1e308, 1.0, 1.0]").unwrap_err();
        assert!(e.to_string().contains("tiers.weights[0]"), "{e}");
        let e = with("window_minutes = 60", "window_minutes = 0").unwrap_err();
        assert!(e.to_string().contains("deploy.window_minutes"), "{e}");
        // Log-odds near f64's range passed, then every assessment failed
        // (exit 3) when the output rounded them; a rule at `auto` fired
        // and changed nothing.
        let e = with("intercept = -4.5", "intercept = -2e302").unwrap_err();
        assert!(e.to_string().contains("likelihood.intercept"), "{e}");
        let e = with("log_lines_added = 0.45", "log_lines_added = 1e303").unwrap_err();
        assert!(e.to_string().contains("likelihood.weights.log_lines_added"), "{e}");
        let e = with(
            "min_depth = \"block\"\nreason = \"a change freeze",
            "min_depth = \"auto\"\nreason = \"a change freeze",
        )
        .unwrap_err();
        assert!(e.to_string().contains("min_depth") && e.to_string().contains("`auto`"), "{e}");
    }

    #[test]
    fn names_with_control_characters_are_errors() {
        let e = with("id = \"critical-reach\"", "id = \"critical-reach\\ngate_stops=false\\nreview_depth=auto\"")
            .unwrap_err();
        assert_eq!(e.kind_name(), "invalid_value", "{e}");
        let text = e.to_string();
        assert!(text.contains("p.toml") && text.contains(".id"), "{text}");
        assert!(text.contains("`critical-reach\\u{a}gate_stops=false\\u{a}review_depth=auto`"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        let e = with("id = \"critical-reach\"", "id = \"\"").unwrap_err();
        assert!(e.to_string().contains("rule id is empty"), "{e}");
        let e = with("\"junior\"", "\"jun\\tior\"").unwrap_err();
        assert!(e.to_string().contains("seniority.scale[0]"), "{e}");
        let e = with("version = \"", "version = \"\\u001b[2J").unwrap_err();
        assert!(e.to_string().contains("control character"), "{e}");
        // A bidirectional override reverses how a report reads; a comma
        // splits the comma-separated `rules` step output.
        let e = with("id = \"critical-reach\"", "id = \"critical-reach\\u202e\"").unwrap_err();
        assert!(e.to_string().contains("critical-reach\\u{202e}"), "{e}");
        let e = with("id = \"critical-reach\"", "id = \"critical-reach,freeze\"").unwrap_err();
        assert!(e.to_string().contains("holds a comma"), "{e}");
        // Reasons and the model's texts reach SARIF and the JSON answer
        // too (a red-team finding: a line break and U+202E passed there).
        let e = with("reason = \"", "reason = \"forged\\n::error::x \\u202e").unwrap_err();
        assert_eq!(e.kind_name(), "invalid_value", "{e}");
        assert!(e.to_string().contains("].reason") && e.to_string().contains("control character"), "{e}");
        let e = with("version = \"", "version = \"\\ufff9").unwrap_err();
        assert!(e.to_string().contains("control character"), "{e}");
    }

    /// TOML errors name what they are about, where it is (a red team:
    /// "duplicate key" named none; a misspelt key in a rule whose check
    /// takes parameters was placed on its `[[rule]]` line, with the
    /// check's keys alone listed).
    #[test]
    fn toml_errors_name_the_key_and_its_line() {
        let text = blastgate_core::DEFAULT_POLICY.replacen("intercept = -4.5", "intercept = -4.5\nintercept = 1.0", 1);
        let e = parse("p.toml", text.as_bytes()).unwrap_err();
        assert_eq!(e.kind_name(), "schema", "{e}");
        assert!(e.to_string().contains("duplicate key `intercept`"), "{e}");
        let typo = "severity = \"sev2\"\nenabeld = false";
        let text = blastgate_core::DEFAULT_POLICY.replacen("severity = \"sev2\"", typo, 1);
        let line = text.lines().position(|l| l == "enabeld = false").unwrap() + 1;
        let e = parse("p.toml", text.as_bytes()).unwrap_err().to_string();
        assert!(e.contains(&format!("line {line}, column 1")) && e.contains("`enabled`"), "{e}");
        let text = blastgate_core::DEFAULT_POLICY.replacen("severity = \"sev2\"", "severity = \"SEV2\"", 1);
        let line = text.lines().position(|l| l == "severity = \"SEV2\"").unwrap() + 1;
        let e = parse("p.toml", text.as_bytes()).unwrap_err().to_string();
        assert!(e.contains(&format!("line {line}, column 1")) && e.contains("`SEV2`"), "{e}");
        let e = with("work_budget = 200000000", "work_budget = -1").unwrap_err();
        assert_eq!(e.kind_name(), "schema", "{e}");
    }

    /// `-0.0` is `0.0`: the same decisions, the same digest (a red-team
    /// finding: the digest and a factor's weight differed).
    #[test]
    fn a_negative_zero_is_zero() {
        let zero = default_policy().unwrap();
        let negative = with("entropy = 0.0", "entropy = -0.0").unwrap();
        assert_eq!(negative.digest(), zero.digest());
        assert!(negative.likelihood.weights.values().all(|w| !(w.is_sign_negative() && *w == 0.0)));
    }

    /// Texts and shapes are bounded: a 2 MB rule id reached every answer,
    /// and a 420,000-point shape made a backtest take minutes (red-team
    /// findings).
    #[test]
    fn texts_and_shapes_are_limited() {
        let long = "r".repeat(policy::MAX_POLICY_STRING_BYTES + 1);
        let e = with("id = \"critical-reach\"", &format!("id = \"{long}\"")).unwrap_err();
        assert_eq!(e.kind_name(), "limit_exceeded", "{e}");
        assert!(e.to_string().contains("max_string_bytes") && e.to_string().contains(".id"), "{e}");
        let e = with("reason = \"", &format!("reason = \"{long}")).unwrap_err();
        assert!(e.to_string().contains("max_string_bytes") && e.to_string().contains("].reason"), "{e}");
        let shape = |n: usize| {
            let values: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let log_odds = vec!["0.1"; n];
            format!(
                "[likelihood.shapes.la]\nvalues = [{}]\nlog_odds = [{}]\n\n[likelihood.weights]",
                values.join(", "),
                log_odds.join(", ")
            )
        };
        let text = |n: usize| {
            let text = blastgate_core::DEFAULT_POLICY.replacen("[likelihood.weights]", &shape(n), 1);
            // The shape replaces lines added's linear weight.
            let start = text.find("log_lines_added =").unwrap();
            let end = start + text.get(start..).unwrap().find('\n').unwrap() + 1;
            format!("{}{}", text.get(..start).unwrap(), text.get(end..).unwrap())
        };
        let fits = parse("p.toml", text(policy::MAX_SHAPE_POINTS).as_bytes()).unwrap();
        assert_eq!(fits.likelihood.shapes.get("la").map(|s| s.values.len()), Some(policy::MAX_SHAPE_POINTS));
        let e = parse("p.toml", text(policy::MAX_SHAPE_POINTS + 1).as_bytes()).unwrap_err();
        assert_eq!(e.kind_name(), "limit_exceeded", "{e}");
        assert!(e.to_string().contains("max_shape_points") && e.to_string().contains("shapes.la.values"), "{e}");
    }

    #[test]
    fn many_rules_and_levels_are_limits_and_validate_fast() {
        // At the limits: validation sorts instead of comparing pairs (it
        // took seconds at 60,000 levels or 120,000 rules).
        let scale: Vec<String> = (0..policy::MAX_SENIORITY_LEVELS - 1).map(|i| format!("\"l{i}\"")).collect();
        let scale = format!("scale = [{}, \"senior\"]", scale.join(", "));
        let rules: String = (0..policy::MAX_RULES - default_policy().unwrap().rules.len())
            .map(|i| format!("[[rule]]\nid = \"r{i}\"\ncheck = \"collision\"\nmin_depth = \"senior\"\n\n"))
            .collect();
        let text = blastgate_core::DEFAULT_POLICY.replacen(
            "scale = [\"junior\", \"mid\", \"senior\", \"staff\", \"principal\"]",
            &scale,
            1,
        );
        let at_limits = format!("{text}\n{rules}");
        let p = parse("p.toml", at_limits.as_bytes()).unwrap();
        assert_eq!(p.seniority.scale.len(), policy::MAX_SENIORITY_LEVELS);
        // The duplicate found is still the first one, wherever it is.
        let dup = at_limits.replacen("id = \"r4000\"", "id = \"r7\"", 1);
        let e = parse("p.toml", dup.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("rule id `r7` appears twice"), "{e}");
        assert!(e.to_string().contains("rule["), "{e}");
        let dup = at_limits.replacen("\"l1000\"", "\"L3\"", 1);
        let e = parse("p.toml", dup.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("`l3` appears twice"), "{e}");

        let over = format!("{at_limits}[[rule]]\nid = \"x\"\ncheck = \"collision\"\nmin_depth = \"senior\"\n");
        let e = parse("p.toml", over.as_bytes()).unwrap_err();
        assert!(e.is_limit(), "{e}");
        assert!(e.to_string().contains("max_policy_rules"), "{e}");
        let over = text.replacen("\"l0\"", "\"l0\", \"extra\"", 1);
        let e = parse("p.toml", over.as_bytes()).unwrap_err();
        assert!(e.is_limit() && e.to_string().contains("max_seniority_levels"), "{e}");
        let mut big = at_limits.into_bytes();
        big.resize(usize::try_from(policy::MAX_POLICY_BYTES).unwrap() + 1, b'\n');
        let e = parse("p.toml", &big).unwrap_err();
        assert!(e.is_limit() && e.to_string().contains("max_policy_bytes"), "{e}");
        let e = crate::history::parse_policy_or_model("p.toml", &big, &p).unwrap_err();
        assert!(e.is_limit() && e.to_string().contains("max_policy_bytes"), "{e}");
    }

    #[test]
    fn fixed_size_arrays_refuse_extra_items() {
        let cases = [
            (
                "likelihood = [0.05, 0.15, 0.35]",
                "likelihood = [0.05, 0.15, 0.35, nan, \"junk\", {a=1}]",
                "invalid length 6, expected 3 items in `bands.likelihood`",
            ),
            (
                "impact = [2.0, 10.0, 40.0]",
                "impact = [2.0, 10.0, 40.0, 80.0]",
                "invalid length 4, expected 3 items in `bands.impact`",
            ),
            (
                "weights = [8.0, 4.0, 2.0, 1.0]",
                "weights = [8.0, 4.0, 2.0, 1.0, 0.5]",
                "invalid length 5, expected 4 items in `tiers.weights`",
            ),
            (
                "names = [\"critical\", \"high\", \"medium\", \"low\"]",
                "names = [\"critical\", \"high\", \"medium\", \"low\", \"none\"]",
                "invalid length 5, expected 4 items in `tiers.names`",
            ),
            (
                "[\"auto\",  \"peer\",   \"owner\",  \"owner\"]",
                "[\"auto\",  \"peer\",   \"owner\",  \"owner\", \"block\"]",
                "invalid length 5, expected 4 items in `matrix[0]`",
            ),
            (
                "\"multi_party\"],\n]",
                "\"multi_party\"],\n  [\"block\", \"block\", \"block\", \"block\"],\n]",
                "invalid length 5, expected 4 items in `matrix`",
            ),
            // Too few, as before, now with the key.
            (
                "likelihood = [0.05, 0.15, 0.35]",
                "likelihood = [0.05, 0.15]",
                "invalid length 2, expected 3 items in `bands.likelihood`",
            ),
            (
                "[\"auto\",  \"peer\",   \"owner\",  \"owner\"]",
                "[\"auto\",  \"peer\",   \"owner\"]",
                "invalid length 3, expected 4 items in `matrix[0]`",
            ),
        ];
        for (replace, by, expected) in cases {
            let e = with(replace, by).unwrap_err();
            assert_eq!(e.kind_name(), "schema", "{e}");
            assert!(e.to_string().contains(expected), "{by}: {e}");
            assert!(e.to_string().contains("line "), "{e}");
        }
        // A wrong type is still a type error.
        let e = with("likelihood = [0.05, 0.15, 0.35]", "likelihood = 0.05").unwrap_err();
        assert_eq!(e.kind_name(), "schema", "{e}");
    }

    /// Found by an audit: an extra key on a rule whose check takes no
    /// parameters said "there are no fields", though the rule has five;
    /// a policy without rules said only "missing field `rule`".
    #[test]
    fn regression_policy_errors_say_what_is_accepted() {
        let e = with("check = \"freeze\"", "check = \"freeze\"\nseverity = \"sev1\"").unwrap_err();
        assert_eq!(e.kind_name(), "schema", "{e}");
        let text = e.to_string();
        assert!(text.starts_with("p.toml: line "), "{text}");
        assert!(
            text.contains(
                "unknown field `severity`, expected one of `id`, `check`, `min_depth`, `enabled`, `reason` \
                 (this rule's check takes no parameters)"
            ),
            "{text}"
        );
        assert!(!text.contains("there are no fields"), "{text}");

        let cut = blastgate_core::DEFAULT_POLICY.split("[[rule]]").next().unwrap();
        let e = parse("p.toml", cut.as_bytes()).unwrap_err();
        assert_eq!(e.kind_name(), "schema", "{e}");
        let text = e.to_string();
        assert!(text.starts_with("p.toml: line 1, column 1: missing field `rule`; help: "), "{text}");
        assert!(text.contains("`[[rule]]`") && text.contains("`rule = []`"), "{text}");
        // Saying so on purpose is a policy without rules.
        let p = parse("p.toml", format!("rule = []\n{cut}").as_bytes()).unwrap();
        assert!(p.rules.is_empty());
    }

    #[test]
    fn checks_without_parameters_refuse_unknown_keys() {
        let checks = [
            "freeze",
            "critical_reach",
            "collision",
            "error_budget_exhausted",
            "exception",
            "ai_unstated_below_senior",
            "unmapped_runtime_files",
            "protection_removed",
        ];
        for check in checks {
            let anchor = format!("check = \"{check}\"");
            for extra in ["bogus = 1", "enabeld = false"] {
                let e = with(&anchor, &format!("{anchor}\n{extra}")).unwrap_err();
                assert_eq!(e.kind_name(), "schema", "{check}: {e}");
                let key = extra.split(' ').next().unwrap();
                assert!(e.to_string().contains(&format!("unknown field `{key}`")), "{check}: {e}");
            }
            // The rule's own keys are still read: `enabled` flipped from
            // the default's.
            let rule = |p: &Policy| {
                let found = p.rules.iter().find(|r| serde_json::to_value(&r.check).unwrap()["check"] == check);
                found.unwrap().enabled
            };
            let default = rule(&parse("default.toml", blastgate_core::DEFAULT_POLICY.as_bytes()).unwrap());
            let p = if default {
                with(&anchor, &format!("{anchor}\nenabled = false")).unwrap()
            } else {
                let off = format!("{anchor}\nmin_depth = \"senior\"\nenabled = false");
                with(&off, &off.replace("false", "true")).unwrap()
            };
            assert_eq!(rule(&p), !default, "{check}");
        }
    }

    /// Turned on, the rule for undeclared AI use must ask at least what
    /// the AI rule asks; off, it may say anything.
    #[test]
    fn undeclared_ai_never_needs_less_than_declared() {
        let off = "check = \"ai_unstated_below_senior\"\nmin_depth = \"senior\"\nenabled = false";
        let lower = "check = \"ai_unstated_below_senior\"\nmin_depth = \"owner\"\nenabled = true";
        let e = with(off, lower).unwrap_err();
        assert!(e.to_string().contains("leaving the AI declaration out would need less review"), "{e}");
        assert!(e.to_string().contains("ai-change-by-junior-or-mid"), "{e}");
        assert!(with(off, &lower.replace("true", "false")).is_ok());
        assert!(with(off, &lower.replace("owner", "multi_party")).is_ok());
        // With the AI rule off there is nothing to compare with.
        let ai_rule = "ai = \"assisted\"\nmin_depth = \"senior\"";
        let text = blastgate_core::DEFAULT_POLICY.replacen(off, lower, 1).replacen(
            ai_rule,
            &format!("{ai_rule}\nenabled = false"),
            1,
        );
        assert!(parse("p.toml", text.as_bytes()).is_ok());
    }

    #[test]
    fn error_depth_must_escalate() {
        // The default matrix's highest depth is `multi_party`.
        for low in ["auto", "peer", "owner", "senior"] {
            let e = with("error_depth = \"block\"", &format!("error_depth = \"{low}\"")).unwrap_err();
            assert_eq!(e.kind_name(), "invalid_value", "{e}");
            assert!(e.to_string().contains("error_depth") && e.to_string().contains(&format!("`{low}`")), "{e}");
        }
        let p = with("error_depth = \"block\"", "error_depth = \"multi_party\"").unwrap();
        assert_eq!(p.error_depth, blastgate_core::ReviewDepth::MultiParty);
        // A matrix of `auto` still needs a human on error.
        let matrix = blastgate_core::DEFAULT_POLICY
            .lines()
            .skip_while(|l| !l.starts_with("matrix = ["))
            .take_while(|l| *l != "]")
            .collect::<Vec<_>>()
            .join("\n");
        assert!(matrix.contains("multi_party"), "{matrix}");
        let row = "  [\"auto\", \"auto\", \"auto\", \"auto\"],";
        let all_auto =
            blastgate_core::DEFAULT_POLICY.replacen(&matrix, &format!("matrix = [\n{row}\n{row}\n{row}\n{row}"), 1);
        let e = parse("p.toml", all_auto.replace("error_depth = \"block\"", "error_depth = \"auto\"").as_bytes())
            .unwrap_err();
        assert!(e.to_string().contains("below `peer`"), "{e}");
        let p =
            parse("p.toml", all_auto.replace("error_depth = \"block\"", "error_depth = \"peer\"").as_bytes()).unwrap();
        assert_eq!(p.matrix_depth(0.99, 1e9), blastgate_core::ReviewDepth::Auto);
    }

    #[test]
    fn matrix_depth_bands() {
        let p = default_policy().unwrap();
        use blastgate_core::ReviewDepth as D;
        assert_eq!(p.matrix_depth(0.01, 0.5), D::Auto);
        assert_eq!(p.matrix_depth(0.5, 100.0), D::MultiParty);
        assert_eq!(p.matrix_depth(0.05, 2.0), D::Peer, "a value at a cut point is in the upper band");
        assert_eq!(p.matrix_depth(f64::NAN, 0.0), D::Owner, "NaN likelihood is the top band");
    }
}
