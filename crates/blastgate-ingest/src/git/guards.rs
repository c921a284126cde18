//! Guards against deletion (`prevent_destroy`, `deletion_protection`, a CDK
//! removal policy) and the changes that turn them off.

use std::collections::BTreeMap;

use super::commands::{for_each_changed_run, guard_variable};
use super::manifests::{MAX_EMPTIED_TEXT, heredoc_start, uncomment_config};

/// Settings that guard resources against deletion, as a squeezed line
/// (lower case, no blanks or quotes) reads when the guard is on, by the
/// name a message gives them.
const GUARDS_ON: [(&str, &str); 30] = [
    ("prevent_destroy=true", "prevent_destroy"),
    ("deletion_protection=true", "deletion_protection"),
    // (YAML's spelling: Ansible's modules, Crossplane's providers.)
    ("deletion_protection:true", "deletion_protection"),
    ("deletion_protection_enabled=true", "deletion_protection"),
    ("deletionprotection:true", "DeletionProtection"),
    ("deletionprotectionenabled:true", "DeletionProtection"),
    ("deletionpolicy:retain", "DeletionPolicy"),
    ("deletionpolicy:snapshot", "DeletionPolicy"),
    ("deletionpolicy:retainexceptondelete", "DeletionPolicy"),
    ("persistentvolumereclaimpolicy:retain", "persistentVolumeReclaimPolicy"),
    ("reclaimpolicy:retain", "reclaimPolicy"),
    ("helm.sh/resource-policy:keep", "helm.sh/resource-policy"),
    ("argocd.argoproj.io/sync-options:prune=false", "Argo CD Prune=false"),
    ("argocd.argoproj.io/sync-options:delete=false", "Argo CD Delete=false"),
    ("kustomize.toolkit.fluxcd.io/prune:disabled", "Flux prune: disabled"),
    // Crossplane's and the Kubernetes controllers of the clouds: the
    // cloud resource outlives its object.
    ("deletionpolicy:orphan", "DeletionPolicy"),
    ("cnrm.cloud.google.com/deletion-policy:abandon", "cnrm.cloud.google.com/deletion-policy"),
    ("services.k8s.aws/deletion-policy:retain", "services.k8s.aws/deletion-policy"),
    // Pulumi's resource options: TypeScript's and YAML's, then Python's
    // (`protect=True`, `retain_on_delete=True`) and C#'s (`Protect =
    // true`); Go's option calls are read apart (`PULUMI_GO_GUARDS`).
    ("protect:true", "protect"),
    ("retainondelete:true", "retainOnDelete"),
    ("protect=true", "protect"),
    ("retain_on_delete=true", "retainOnDelete"),
    ("retainondelete=true", "retainOnDelete"),
    // Terraform's AWS and Google providers.
    ("disable_api_termination=true", "disable_api_termination"),
    ("enable_deletion_protection=true", "enable_deletion_protection"),
    ("enable_drop_protection=true", "enable_drop_protection"),
    ("deletion_protection=protected", "deletion_protection"),
    // The AWS CDK's stacks.
    ("terminationprotection:true", "terminationProtection"),
    // A StatefulSet's claims kept when it goes, or when it scales down.
    ("whendeleted:retain", "whenDeleted"),
    ("whenscaled:retain", "whenScaled"),
];

/// Settings that let resources, or their data, be deleted, as a squeezed
/// line reads when they are set so.
const GUARDS_OFF: [(&str, &str); 26] = [
    ("prevent_destroy=false", "prevent_destroy"),
    ("deletion_protection=false", "deletion_protection"),
    ("deletion_protection:false", "deletion_protection"),
    ("deletion_protection_enabled=false", "deletion_protection"),
    ("deletionprotection:false", "DeletionProtection"),
    ("deletionprotectionenabled:false", "DeletionProtection"),
    ("deletionpolicy:delete", "DeletionPolicy"),
    ("updatereplacepolicy:delete", "UpdateReplacePolicy"),
    ("persistentvolumereclaimpolicy:delete", "persistentVolumeReclaimPolicy"),
    ("reclaimpolicy:delete", "reclaimPolicy"),
    ("skip_final_snapshot=true", "skip_final_snapshot"),
    ("force_destroy=true", "force_destroy"),
    ("disable_api_termination=false", "disable_api_termination"),
    ("enable_deletion_protection=false", "enable_deletion_protection"),
    ("enable_drop_protection=false", "enable_drop_protection"),
    ("deletion_protection=unprotected", "deletion_protection"),
    ("prevent_deletion_if_contains_resources=false", "prevent_deletion_if_contains_resources"),
    ("protect:false", "protect"),
    ("protect=false", "protect"),
    ("terminationprotection:false", "terminationProtection"),
    // The AWS CDK: a bucket's objects deleted with it.
    ("autodeleteobjects:true", "autoDeleteObjects"),
    ("auto_delete_objects=true", "autoDeleteObjects"),
    // No automated backups: RDS deletes those it kept at once.
    ("backup_retention_period=0", "backup_retention_period"),
    ("backupretentionperiod:0", "BackupRetentionPeriod"),
    ("whendeleted:delete", "whenDeleted"),
    // (A red team's miss: scaled down, the claims of the replicas gone are
    // deleted with their data.)
    ("whenscaled:delete", "whenScaled"),
];

/// The guards against deletion that a `git diff -p` output's changes turn
/// off in each file `is_infrastructure` accepts, by path, each name once
/// and sorted: a guard's line removed (`prevent_destroy = true`,
/// `deletion_protection = true`, CloudFormation's `DeletionPolicy:
/// Retain`, a volume's `Retain` reclaim policy, Helm's
/// `helm.sh/resource-policy: keep`, Argo CD's `Prune=false`) more often
/// than added, or a line that turns one off added more often than removed
/// (`deletion_protection = false`, `DeletionPolicy: Delete`,
/// `skip_final_snapshot = true`, `force_destroy = true`). Lines are read
/// lower case, without blanks or quotes, comments aside. Turning a guard
/// off destroys nothing yet, but it is how a deletion is prepared: the
/// next plan may destroy what it guarded, and data a final snapshot would
/// have kept is lost.
///
/// ```
/// use blastgate_ingest::git::removed_guards;
/// let patch = b"diff --git a/db/main.tf b/db/main.tf\n--- a/db/main.tf\n+++ b/db/main.tf\n@@ -3 +3 @@\n-  deletion_protection = true\n+  deletion_protection = false\n";
/// let found = removed_guards(patch, |_| true);
/// assert_eq!(found.get("db/main.tf").map(Vec::as_slice), Some(&["deletion_protection".to_owned()][..]));
/// ```
pub fn removed_guards(patch: &[u8], is_infrastructure: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<String>> {
    // Per path and guard: how many lines turn it off, net.
    let mut net: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for_each_changed_run(patch, is_infrastructure, |path, sign, text| {
        if sign == 0 {
            return;
        }
        let text = text.split(" #").next().unwrap_or(text).split(" //").next().unwrap_or(text);
        let whole = squeeze(text);
        let guards = net.entry(path.to_owned()).or_default();
        // A Terraform variables file's setting of a variable named for a
        // guard (`reports_db_deletion_protection = false`, as `-var`
        // would give it; red team 11), by its setting.
        let ends = |suffix: &str| {
            path.len() >= suffix.len()
                && path.get(path.len() - suffix.len()..).is_some_and(|e| e.eq_ignore_ascii_case(suffix))
        };
        if ends(".tfvars") || ends(".tfvars.json") {
            let setting = whole.trim_start_matches('-').trim_end_matches(',').replacen(':', "=", 1);
            if let Some(setting) = guard_variable(&setting) {
                *guards.entry(setting).or_insert(0) += sign;
                return;
            }
        }
        if let Some(on) = cdk_removal_policy(whole.trim_start_matches('-')) {
            // (A guard kept, `RETAIN`, counts as a guard's line; `DESTROY`
            // as one that turns it off.)
            *guards.entry("removalPolicy".to_owned()).or_insert(0) += if on { -sign } else { sign };
            return;
        }
        // Pulumi's Go options, calls whose parentheses the settings'
        // separators would cut (`pulumi.Protect(true)`; red team 29).
        for (call, name, on) in PULUMI_GO_GUARDS {
            let times = i64::try_from(whole.matches(call).count()).unwrap_or(i64::MAX);
            if times > 0 {
                let turned_off = if on { -sign } else { sign };
                *guards.entry(name.to_owned()).or_insert(0) += turned_off.saturating_mul(times);
            }
        }
        // Each setting of the line: one a line, or several in one
        // (`lifecycle { prevent_destroy = true }`, Pulumi's
        // `aws.rds.Instance("orders", ..., deletion_protection=False)`).
        for part in text.split(SETTING_SEPARATORS) {
            match guard_setting(part) {
                // A guard's line removed turns it off.
                Some((name, true)) => *guards.entry(name.to_owned()).or_insert(0) -= sign,
                Some((name, false)) => *guards.entry(name.to_owned()).or_insert(0) += sign,
                None => {}
            }
        }
    });
    net.into_iter()
        .map(|(path, guards)| (path, guards.into_iter().filter(|(_, n)| *n > 0).map(|(g, _)| g).collect::<Vec<_>>()))
        .filter(|(_, guards)| !guards.is_empty())
        .collect()
}

/// How many settings of each guard against deletion ([`removed_guards`]'
/// list: `prevent_destroy = true`, `deletion_protection = true`, ...) the
/// whole `text` of a configuration file holds where its tools read them:
/// comments (`#`, `//`, `/* */`) and Terraform heredocs' text are not
/// read. Comparing a file's counts before and after a change finds the
/// guards it turns off without touching their lines (red team 17: `/*`
/// and `*/` added around an unchanged `deletion_protection = true`).
/// Empty for a text too large to read or holding a NUL byte.
///
/// ```
/// use blastgate_ingest::git::guard_counts;
/// let on = guard_counts(b"resource \"aws_db_instance\" \"a\" {\n  deletion_protection = true\n}\n");
/// assert_eq!(on.get("deletion_protection"), Some(&1));
/// let wrapped = guard_counts(b"resource \"aws_db_instance\" \"a\" {\n  /*\n  deletion_protection = true\n  */\n}\n");
/// assert_eq!(wrapped.get("deletion_protection"), None);
/// ```
pub fn guard_counts(text: &[u8]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return counts;
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    let mut heredoc: Option<String> = None;
    for line in text.lines() {
        if let Some(end) = heredoc.as_deref() {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        heredoc = heredoc_start(line);
        for part in line.split(SETTING_SEPARATORS) {
            if let Some((name, true)) = guard_setting(part) {
                *counts.entry(name).or_insert(0) += 1;
            }
        }
        let squeezed = squeeze(line);
        for (call, name, on) in PULUMI_GO_GUARDS {
            if on {
                *counts.entry(name).or_insert(0) += squeezed.matches(call).count();
            }
        }
    }
    counts
}

/// Pulumi's Go resource options that guard against deletion, as a
/// squeezed line reads them, with their names and whether the call keeps
/// the guard on.
const PULUMI_GO_GUARDS: [(&str, &str, bool); 3] = [
    ("pulumi.protect(true)", "protect", true),
    ("pulumi.retainondelete(true)", "retainOnDelete", true),
    ("pulumi.protect(false)", "protect", false),
];

/// What separates the settings of one line (`lifecycle { prevent_destroy
/// = true }`, Pulumi's `Instance("orders", ..., deletion_protection=False)`).
const SETTING_SEPARATORS: [char; 6] = [',', '(', ')', '{', '}', ';'];

/// The guard a setting (one part of a line, [`SETTING_SEPARATORS`]) sets,
/// and whether it keeps it on (`true`: [`GUARDS_ON`]) or turns it off
/// ([`GUARDS_OFF`]).
fn guard_setting(part: &str) -> Option<(&'static str, bool)> {
    let squeezed = squeeze(part);
    let squeezed = squeezed.trim_start_matches('-');
    let find = |list: &[(&str, &'static str)]| list.iter().find(|(l, _)| squeezed == *l).map(|(_, n)| *n);
    find(&GUARDS_ON).map(|n| (n, true)).or_else(|| find(&GUARDS_OFF).map(|n| (n, false)))
}

/// `text` squeezed as guard settings are matched: blanks and quotes taken
/// out, lower case (`  "DeletionProtection": false` is
/// `deletionprotection:false`).
pub(super) fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'')).flat_map(char::to_lowercase).collect()
}

/// Whether a squeezed line sets an AWS CDK removal policy that keeps the
/// resource (`removalPolicy: RemovalPolicy.RETAIN`, `SNAPSHOT`,
/// `RETAIN_ON_UPDATE_OR_DELETE`: `Some(true)`) or destroys it with the
/// stack (`RemovalPolicy.DESTROY`: `Some(false)`), as a property
/// (`removalPolicy:`, Python's `removal_policy=`) or a call
/// (`applyRemovalPolicy(...)`, `apply_removal_policy(...)`).
fn cdk_removal_policy(squeezed: &str) -> Option<bool> {
    let set = ["removalpolicy:", "removal_policy=", "applyremovalpolicy(", "apply_removal_policy("]
        .iter()
        .any(|k| squeezed.starts_with(k) || squeezed.contains(&format!(".{k}")));
    if !set {
        return None;
    }
    let (_, value) = squeezed.rsplit_once("removalpolicy.")?;
    let value = value.split([',', ';', ')']).next().unwrap_or(value);
    match value {
        "retain" | "snapshot" | "retain_on_update_or_delete" => Some(true),
        "destroy" => Some(false),
        _ => None,
    }
}
