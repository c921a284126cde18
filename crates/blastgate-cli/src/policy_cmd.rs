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
            });
            let text = serde_json::to_string_pretty(&report).map_err(|e| Failure::Internal(e.to_string()))?;
            writeln!(out, "{text}")?;
        }
        OutputFormat::Human => {
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
        }
    }
    Ok(SUCCESS)
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
