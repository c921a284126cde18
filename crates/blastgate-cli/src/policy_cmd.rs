//! `blastgate policy default` and `blastgate policy check FILE`: the
//! embedded default policy to start from, and a check of an edited one
//! before a gate depends on it.

use std::io::Write;

use blastgate::assess::{DEFAULT_POLICY, default_policy};
use blastgate::calibrate::load_policy_or_model;
use serde_json::json;

use crate::args::{OutputFormat, PolicyCheckArgs};
use crate::exit::{Failure, SUCCESS};

/// Prints the embedded default policy as written (comments included), the
/// bytes `assess` reads without `--policy`.
pub fn default() -> Result<u8, Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(DEFAULT_POLICY.as_bytes())?;
    Ok(SUCCESS)
}

/// Reads a policy as `assess --policy` does (a model file's `[likelihood]`
/// and `[bands]` over the default policy) and prints what a gate would
/// apply: versions, digest, rules.
pub fn check(args: &PolicyCheckArgs) -> Result<u8, Failure> {
    let base = default_policy()?;
    let policy = load_policy_or_model(&args.policy, &base)?;
    let rules: Vec<serde_json::Value> = policy
        .rules
        .iter()
        .map(|r| json!({"id": r.id, "min_depth": r.min_depth.as_str(), "enabled": r.enabled}))
        .collect();
    let missing = missing_default_rules(&policy, &base);
    let differences = differences_from_default(&policy, &base)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let report = json!({
                "policy": policy.version,
                "model": policy.likelihood.version,
                "policy_digest": policy.digest(),
                "error_depth": policy.error_depth.as_str(),
                "rules": rules,
                "missing_default_rules": missing.iter().map(|(id, check)| json!({"id": id, "check": check})).collect::<Vec<_>>(),
                "differs_from_default": differences.iter().map(Difference::to_json).collect::<Vec<_>>(),
            });
            let text = serde_json::to_string_pretty(&report).map_err(|e| Failure::Internal(e.to_string()))?;
            writeln!(out, "{text}")?;
        }
        OutputFormat::Human => {
            let mut out = crate::printable::Printable::new(&mut out);
            let one = crate::printable::one_line;
            let enabled = policy.rules.iter().filter(|r| r.enabled).count();
            writeln!(
                out,
                "{}: valid: policy {}, model {}, {} rules ({enabled} on), errors escalate to {}",
                one(&args.policy.display().to_string()),
                one(&policy.version),
                one(&policy.likelihood.version),
                policy.rules.len(),
                policy.error_depth.as_str()
            )?;
            writeln!(out, "digest {}", policy.digest())?;
            for r in &policy.rules {
                let off = if r.enabled { "" } else { " (off)" };
                writeln!(out, "  {:<40} at least {}{off}", one(&r.id), r.min_depth.as_str())?;
            }
            if !missing.is_empty() {
                let list: Vec<String> = missing.iter().map(|(id, check)| format!("{id} ({check})")).collect();
                writeln!(
                    out,
                    "note: the embedded default policy ({}) enables rules this policy lacks or has off: {}; a policy \
                     copied from an older default misses what was added since (`blastgate policy default` prints the \
                     current one; the CHANGELOG says why each was added)",
                    one(&base.version),
                    list.join(", ")
                )?;
            }
            let weaker = differences.iter().filter(|d| d.direction == Direction::Weaker).count();
            if !differences.is_empty() {
                writeln!(
                    out,
                    "note: {} setting(s) differ from the embedded default policy ({}), {weaker} of them weaker (they \
                     can only let a change through with less review); review each before a gate depends on it:",
                    differences.len(),
                    one(&base.version)
                )?;
                for d in &differences {
                    writeln!(
                        out,
                        "  {:<8} {}: default {}, here {}",
                        d.direction.as_str(),
                        one(&d.path),
                        one(&d.default.to_string()),
                        one(&d.policy.as_ref().map_or_else(|| "absent".to_owned(), ToString::to_string))
                    )?;
                }
            }
            out.flush()?;
        }
    }
    Ok(SUCCESS)
}

/// Which way a setting moved from the default: a lower depth, a rule off
/// or taken out, more exceptions allowed, fewer node kinds, a higher AI
/// or incident threshold, a lower senior level, a shorter deploy window,
/// every band cut raised is weaker (it can only let a change through with
/// less review); the opposite is stronger; any other edit (a rule's
/// paths, the likelihood's weights, cuts moved both ways, a limit) is a
/// change whose direction depends on the changes it meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Weaker,
    Stronger,
    Changed,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Weaker => "weaker",
            Direction::Stronger => "stronger",
            Direction::Changed => "changed",
        }
    }
}

/// One setting of the embedded default that a policy has otherwise.
#[derive(Debug)]
struct Difference {
    /// Where it is: `rule[critical-reach].min_depth`, `matrix[2][3]`,
    /// `bands.likelihood`, `likelihood.intercept`.
    path: String,
    default: serde_json::Value,
    /// `None`: the policy has no such setting (a rule taken out).
    policy: Option<serde_json::Value>,
    direction: Direction,
}

impl Difference {
    fn to_json(&self) -> serde_json::Value {
        json!({
            "path": self.path,
            "default": self.default,
            "policy": self.policy,
            "direction": self.direction.as_str(),
        })
    }
}

/// Every setting of the embedded default that `policy` has otherwise, in
/// the default's order (rules by their `id`; other lists, a shape's
/// values, compared whole), so that a reviewer sees what an edited copy
/// weakened (a gaming audit: a rule off whose check another rule shares,
/// a freeze's depth lowered, a matrix of `auto`, bands raised, all passed
/// in silence). The policy's own names (`version`, the model's version)
/// and the rules it adds (rules only raise a depth) are not listed.
fn differences_from_default(
    policy: &blastgate::assess::Policy,
    base: &blastgate::assess::Policy,
) -> Result<Vec<Difference>, Failure> {
    // (A policy that cannot be written as JSON is no policy that says
    // nothing changed.)
    let value = |p| serde_json::to_value(p).map_err(|e| Failure::Internal(e.to_string()));
    let (mine, theirs) = (value(policy)?, value(base)?);
    let mut out = Vec::new();
    compare("", &theirs, Some(&mine), &mine, &mut out);
    Ok(out)
}

/// A rule as JSON with the `allow` it means written out: an incident rule
/// without one allows nothing, an error-budget rule without one fixes (its
/// JSON leaves the default out), so that adding exceptions compares as a
/// list grown.
fn with_allow(rule: &serde_json::Value) -> serde_json::Value {
    let mut rule = rule.clone();
    let implied = match rule.get("check").and_then(serde_json::Value::as_str) {
        Some("incident") => Some(serde_json::json!([])),
        Some("error_budget_exhausted") => Some(serde_json::json!(["fix"])),
        _ => None,
    };
    if let (Some(object), Some(implied)) = (rule.as_object_mut(), implied) {
        object.entry("allow").or_insert(implied);
    }
    rule
}

/// Which way a setting other than a depth or `enabled` moved, when only
/// one way is possible (red team 23: more exceptions allowed, a higher AI
/// threshold, a lower senior level, a shorter deploy window read
/// `changed`): `None` when it depends on the change.
fn direction_of(
    path: &str,
    default: &serde_json::Value,
    policy: &serde_json::Value,
    root: &serde_json::Value,
) -> Option<Direction> {
    use serde_json::Value;
    let strings = |v: &Value| -> Option<std::collections::BTreeSet<String>> {
        v.as_array()?.iter().map(|x| x.as_str().map(str::to_owned)).collect()
    };
    let numbers = |v: &Value| -> Option<Vec<f64>> { v.as_array()?.iter().map(Value::as_f64).collect() };
    // A number the policy raised or lowered from the default's, and
    // whether raising it lets more through.
    let by_order = |higher_is_weaker: bool, default: f64, policy: f64| match policy.total_cmp(&default) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater if higher_is_weaker => Some(Direction::Weaker),
        std::cmp::Ordering::Less if !higher_is_weaker => Some(Direction::Weaker),
        _ => Some(Direction::Stronger),
    };
    let leaf = path.rsplit('.').next().unwrap_or(path);
    if path.starts_with("rule[") && (leaf == "allow" || leaf == "node_kinds") {
        // More exceptions let more through; fewer node kinds fire for less.
        let (d, p) = (strings(default)?, strings(policy)?);
        // No node kinds is another test (a resource something depends
        // on), not every kind: no direction to or from it (red team 24).
        if leaf == "node_kinds" && (d.is_empty() || p.is_empty()) {
            return None;
        }
        let grown = if leaf == "allow" { Direction::Weaker } else { Direction::Stronger };
        let shrunk = if leaf == "allow" { Direction::Stronger } else { Direction::Weaker };
        return if p.is_superset(&d) {
            Some(grown)
        } else if p.is_subset(&d) {
            Some(shrunk)
        } else {
            None
        };
    }
    if path.starts_with("rule[") && matches!(leaf, "by_agent" | "reaches_tier0" | "tier0_without_rollback") {
        // Each narrows when its rule fires: off, the rule fires for more.
        return match (default.as_bool()?, policy.as_bool()?) {
            (true, false) => Some(Direction::Stronger),
            (false, true) => Some(Direction::Weaker),
            _ => None,
        };
    }
    if path.starts_with("rule[") && leaf == "ai" {
        let level = |v: &Value| ["none", "assisted", "generated", "agent"].iter().position(|l| v.as_str() == Some(*l));
        return by_order(true, level(default)? as f64, level(policy)? as f64);
    }
    if path.starts_with("rule[") && leaf == "severity" {
        // `sev1` is the most severe: a threshold of sev1 counts fewer.
        let number = |v: &Value| v.as_str()?.strip_prefix("sev")?.parse::<f64>().ok();
        return by_order(false, number(default)?, number(policy)?);
    }
    if path == "seniority.senior" {
        // Lower on the policy's own scale, more people count as senior.
        let scale = root.get("seniority")?.get("scale")?.as_array()?;
        let place = |v: &Value| scale.iter().position(|l| l == v);
        return by_order(false, place(default)? as f64, place(policy)? as f64);
    }
    if path == "deploy.window_minutes" {
        // A shorter window meets fewer freezes and changes in flight.
        return by_order(false, default.as_f64()?, policy.as_f64()?);
    }
    if path == "bands.likelihood" || path == "bands.impact" {
        // Every cut raised (the matrix never decreases): lower bands.
        let (d, p) = (numbers(default)?, numbers(policy)?);
        let raised = d.iter().zip(&p).all(|(a, b)| b >= a);
        let lowered = d.iter().zip(&p).all(|(a, b)| b <= a);
        return match (raised, lowered) {
            (true, false) => Some(Direction::Weaker),
            (false, true) => Some(Direction::Stronger),
            _ => None,
        };
    }
    None
}

/// Whether the setting at `path` is a name or prose, not a setting that
/// decides anything.
fn prose(path: &str) -> bool {
    matches!(path, "version" | "likelihood.version" | "likelihood.source" | "format") || path.ends_with(".reason")
}

fn compare(
    path: &str,
    default: &serde_json::Value,
    policy: Option<&serde_json::Value>,
    root: &serde_json::Value,
    out: &mut Vec<Difference>,
) {
    use serde_json::Value;
    if prose(path) {
        return;
    }
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    // A rule's flag the policy's JSON leaves out when false (`by_agent`,
    // `reaches_tier0` of an `irreversible` rule) is false, not absent (a
    // decision audit: `reaches_tier0 = false` read "here absent").
    let unset = serde_json::Value::Bool(false);
    let policy = match (default, policy) {
        (Value::Bool(_), None) if path.starts_with("rule[") => Some(&unset),
        _ => policy,
    };
    match (default, policy) {
        (Value::Object(d), Some(Value::Object(p))) => {
            for (key, value) in d {
                compare(&join(key), value, p.get(key), root, out);
            }
            // (Settings the default does not have: a model's shapes.)
            for (key, value) in p.iter().filter(|(k, _)| !d.contains_key(*k)) {
                let at = join(key);
                if !prose(&at) {
                    out.push(Difference {
                        path: at,
                        default: Value::Null,
                        policy: Some(value.clone()),
                        direction: Direction::Changed,
                    });
                }
            }
        }
        (Value::Array(d), Some(Value::Array(p))) if path == "rule" => {
            for rule in d {
                let id = rule.get("id").and_then(Value::as_str).unwrap_or_default();
                let mine = p.iter().find(|r| r.get("id").and_then(Value::as_str) == Some(id));
                let at = format!("rule[{id}]");
                match mine {
                    Some(mine) => compare(&at, &with_allow(rule), Some(&with_allow(mine)), root, out),
                    None => out.push(Difference {
                        path: at,
                        default: rule.clone(),
                        policy: None,
                        direction: if rule.get("enabled") == Some(&Value::Bool(false)) {
                            Direction::Changed
                        } else {
                            Direction::Weaker
                        },
                    }),
                }
            }
        }
        // The matrix, cell by cell.
        (Value::Array(d), Some(Value::Array(p))) if path == "matrix" && d.len() == p.len() => {
            for (i, (row, mine)) in d.iter().zip(p).enumerate() {
                match (row, mine) {
                    (Value::Array(r), Value::Array(m)) if r.len() == m.len() => {
                        for (j, (cell, own)) in r.iter().zip(m).enumerate() {
                            compare(&format!("matrix[{i}][{j}]"), cell, Some(own), root, out);
                        }
                    }
                    _ => compare(&format!("matrix[{i}]"), row, Some(mine), root, out),
                }
            }
        }
        (d, Some(p)) if d == p => {}
        (d, p) => {
            let rank = |v: &Value| serde_json::from_value::<blastgate::assess::ReviewDepth>(v.clone()).ok();
            let direction = match (d, p) {
                (Value::Bool(true), Some(Value::Bool(false))) if path.ends_with(".enabled") => Direction::Weaker,
                (Value::Bool(false), Some(Value::Bool(true))) if path.ends_with(".enabled") => Direction::Stronger,
                // (A setting left out: a model's shape replaces a weight.)
                (_, None) => Direction::Changed,
                (d, Some(p)) => match (rank(d), rank(p)) {
                    (Some(a), Some(b)) if b < a => Direction::Weaker,
                    (Some(a), Some(b)) if b > a => Direction::Stronger,
                    _ => direction_of(path, d, p, root).unwrap_or(Direction::Changed),
                },
            };
            out.push(Difference { path: path.to_owned(), default: d.clone(), policy: p.cloned(), direction });
        }
    }
}

/// The rules the embedded default enables whose check this policy has no
/// enabled rule for (an incident rule by its severity too), as (default's
/// rule id, check): a policy copied from an older default lacks what was
/// added since, which decides nothing and says nothing (an upgrade audit:
/// 18 old defaults passed this check in silence).
fn missing_default_rules(
    policy: &blastgate::assess::Policy,
    base: &blastgate::assess::Policy,
) -> Vec<(String, String)> {
    // The check's name, with an incident rule's severity: `incident:sev1`.
    let key = |check: &blastgate::assess::RuleCheck| -> String {
        let value = serde_json::to_value(check).unwrap_or_default();
        let name = value.get("check").and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        match value.get("severity").and_then(serde_json::Value::as_str) {
            Some(severity) => format!("{name}:{severity}"),
            None => name,
        }
    };
    let present: std::collections::BTreeSet<String> =
        policy.rules.iter().filter(|r| r.enabled).map(|r| key(&r.check)).collect();
    base.rules
        .iter()
        .filter(|r| r.enabled && !present.contains(&key(&r.check)))
        .map(|r| (r.id.clone(), key(&r.check)))
        .collect()
}
