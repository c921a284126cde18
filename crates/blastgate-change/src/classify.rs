//! What a changed file is, from its path.
//!
//! Default rules, first match wins (paths compared case-insensitively, on
//! `/`-separated paths from the repository root):
//!
//! | kind | rule |
//! |---|---|
//! | `secret` | file name `.env`, `.env.*`, `*.pem`, `*.key`, `*.p12`, `*.pfx`, `id_rsa*`, `*.keystore`, or a path segment `secrets` |
//! | `schema_migration` | a path segment `migrations`, `migrate`, `db/migrate`, `alembic`, `flyway`, `liquibase`; a `.sql` file whose name starts with a version (`V12__`, `0003_`, `20240101`); or Liquibase's changelogs: a `.xml`, `.yaml`, `.yml`, `.json` or `.sql` file under a `db`/`database` folder and under `changelog`/`changelogs` or named `*changelog*`, or named `db.changelog*` |
//! | `infrastructure` | `*.tf`, `*.tf.json`, `*.tofu`, `*.tofu.json`, `*.tfvars`, `*.tfvars.json`, `*.hcl`, `*.bicep`, `Dockerfile*`, `*.dockerfile`, `docker-compose*.yml`, `Chart.yaml`, `kustomization.yaml`, `skaffold.yaml`, `helmfile.yaml`, a path segment `terraform`, `k8s`, `kubernetes`, `kubernetes-manifests`, `k8s-manifests`, `helm`, `charts`, `deploy`, `infra`, `manifests`, `kustomize`; under `iac`, `cloudformation`, `pulumi`, any file but prose, and under `infrastructure`, `ansible`, `argocd`, `argo-cd`, `gitops`, `flux`, configuration and templates (`*.yaml`, `*.json`, `*.j2`, ...), never under a test, example or docs folder; CI and CD definitions: under `.github/workflows`, `.github/actions`, `.gitlab/ci`, `.circleci`, `.azure-pipelines`, `.buildkite`, `.tekton`, `.woodpecker`, and `.gitlab-ci.y(a)ml`, `Jenkinsfile*`, `azure-pipelines*.yml` (and YAML under `eng/pipelines`, `.pipelines`, `.ado`, `.azuredevops`, `azure-pipelines` at the top), `bitbucket-pipelines.y(a)ml`, `.drone.y(a)ml`, `.travis.y(a)ml`, `.woodpecker.y(a)ml`, `cloudbuild*.y(a)ml`, `cloudbuild*.json`, YAML under `cloudbuild/`, `tekton/`, `.tekton/`, `buildspec*.yml`, `appspec.yml` |
//! | `dependency` | `go.mod`, `go.sum`, `go.work`, `Cargo.toml`, `Cargo.lock`, `package.json`, `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`, `bun.lock(b)`, `deno.json`, `deno.lock`, `requirements*.txt`, `Pipfile*`, `poetry.lock`, `uv.lock`, `pyproject.toml`, `Gemfile*`, `pom.xml`, `build.gradle*`, `settings.gradle*`, `gradle.lockfile`, `build.sbt`, `*.csproj`, `packages.lock.json`, `packages.config`, `Directory.Packages.props`, `paket.*`, `composer.json`, `composer.lock`, `mix.exs`, `mix.lock`, `Podfile*`, `Package.swift`, `Package.resolved`, `Cartfile*`, `pubspec.*`, `flake.nix`, `flake.lock`, `conanfile.*`, `vcpkg.json`, `constraints*.txt`, `CMakeLists.txt` |
//! | `feature_flag` | a path segment `flags`, `feature-flags`, `feature_flags`, `featureflags`, `toggles`; or a file name containing `flag` with a config extension |
//! | `test` | a path segment `test`, `tests`, `__tests__`, `testdata`, `e2e`; a `.rb` file, or source code whose stem ends `_spec` or `.spec`, under `spec`; under `src/it`; or source code whose stem ends `_test`, `.test` or `.spec` (`server_test.go`, `cart.spec.ts`; not `ab_test.yaml`, `api.spec.yaml` or `charge_test.impl.go`), `test_*.py`, or (case as written) `*Test.java`, `*Tests.java`, `*Test.kt`, `*Tests.kt`, `*Test.cs`, `*Tests.cs`, and `*IT.java`, `*ITCase.java` after a lowercase letter or digit (`PaymentIT.java`, not `DEBIT.java`) |
//! | `docs` | `*.md`, `*.markdown`, `*.rst`, `*.adoc`, `*.asciidoc`; `*.txt` at the top of the repository; under a `docs` or `doc` folder, prose, `.txt` and pictures (`.png`, `.svg`, `.pdf`, ...) only; `LICENSE`, `LICENCE`, `CHANGELOG`, `AUTHORS`, `NOTICE`, `COPYING` (and `LICENSE-MIT`, in capitals as written) without an extension or with one of those or `.txt` (`license_keys.yaml`, `docs/app.yaml`, `docs/index.html`, `docs/docs.go` deploy) |
//! | `config` | `*.yaml`, `*.yml`, `*.json`, `*.toml`, `*.ini`, `*.cfg`, `*.conf`, `*.properties`, `*.env.example`, `*.xml` |
//! | `code` | anything else |
//!
//! A file's `kind` in the changeset counts instead when it is riskier
//! than what the rules give (`crate::file_kind`); a policy may add rules
//! that run before the defaults ([`Classifier::with_rules`]).

use crate::model::ChangeKind;

/// A user rule: paths containing `segment` as a path segment, or ending in
/// `suffix`, are `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindRule {
    /// The kind the rule gives.
    pub kind: ChangeKind,
    /// Match paths that have this segment (a directory or file name).
    pub segment: Option<String>,
    /// Match paths that end with this (an extension or file name).
    pub suffix: Option<String>,
}

/// Classifies paths: user rules first, then the defaults.
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    rules: Vec<KindRule>,
}

impl Classifier {
    /// A classifier that runs `rules` before the defaults.
    pub fn with_rules(rules: Vec<KindRule>) -> Self {
        Self { rules }
    }

    /// The kind of the file at `path`.
    pub fn classify(&self, path: &str) -> ChangeKind {
        let lower = path.to_ascii_lowercase();
        let segments: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
        for rule in &self.rules {
            // (Each rule's text lowered once, not once a folder: a path
            // 1,300 folders deep made 13,000 strings a file.)
            let seg = rule.segment.as_ref().is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                segments.iter().any(|x| *x == s)
            });
            let suf = rule.suffix.as_ref().is_some_and(|s| lower.ends_with(&s.to_ascii_lowercase()));
            if seg || suf {
                return rule.kind;
            }
        }
        let name = path.rsplit('/').next().unwrap_or("");
        default_kind(&lower, &segments, name)
    }
}

/// Whether a folder of `dirs` holds tests or documentation, where a
/// `prompts` folder is examples for people.
fn in_test_tree(dirs: &[&str]) -> bool {
    has_segment(dirs, &["docs", "doc", "test", "tests", "__tests__", "testdata", "examples"])
}

fn has_segment(segments: &[&str], names: &[&str]) -> bool {
    segments.iter().any(|s| names.contains(s))
}

fn ends_with_any(name: &str, suffixes: &[&str]) -> bool {
    suffixes.iter().any(|s| name.ends_with(s))
}

/// Whether `path` is a CI or CD definition by the default rules (a
/// GitHub Actions workflow, `.gitlab-ci.yml`, a `Jenkinsfile`, ...): an
/// infrastructure file that declares pipelines, not resources, so that
/// deleting it destroys nothing (the `delivery-control` rule reviews it).
///
/// Matched with the case as written, as the default `delivery-control`
/// rule matches (`Jenkinsfile*`, `.github/workflows/`): a spelling that
/// rule misses (`JenkinsFile`, `CloudBuild.yaml`) is a deleted resource
/// of unknown kind, not nothing (an audit: such a delete escaped both).
pub fn is_ci_definition(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    // Jenkins's file is named with a capital; every other name and folder
    // of the list is in lower case.
    match name.strip_prefix("Jenkinsfile") {
        Some(_) => true,
        None => ci_definition(path, name) && !name.starts_with("jenkinsfile"),
    }
}

/// A CI or CD definition (`path` and `name` in lower case): what builds,
/// tests and deploys the services, so infrastructure. GitHub Actions
/// workflows and local actions, GitLab CI, Jenkins, CircleCI, Azure
/// Pipelines (also YAML under `eng/pipelines/`, `.pipelines/`, `.ado/`,
/// `.azuredevops/`, `azure-pipelines/`), Bitbucket Pipelines,
/// Buildkite, Drone, Travis CI, Google Cloud Build, AWS CodeBuild and
/// CodeDeploy, Tekton, Woodpecker.
fn ci_definition(path: &str, name: &str) -> bool {
    let yaml = ends_with_any(name, &[".yml", ".yaml"]);
    [
        ".github/workflows/",
        ".github/actions/",
        ".gitlab/ci/",
        ".circleci/",
        ".azure-pipelines/",
        ".buildkite/",
        ".tekton/",
        ".woodpecker/",
    ]
    .iter()
    .any(|folder| path.starts_with(folder))
        || matches!(
            name,
            ".gitlab-ci.yml"
                | ".gitlab-ci.yaml"
                | "bitbucket-pipelines.yml"
                | "bitbucket-pipelines.yaml"
                | ".drone.yml"
                | ".drone.yaml"
                | ".travis.yml"
                | ".travis.yaml"
                | ".woodpecker.yml"
                | ".woodpecker.yaml"
                | "appspec.yml"
                | "appspec.yaml"
        )
        || name.starts_with("jenkinsfile")
        || (yaml && (name.starts_with("azure-pipelines") || name.starts_with("buildspec")))
        // Google Cloud Build's configs by any name of theirs
        // (`cloudbuild-teardown.yaml`, `cloudbuild.prod.json`), and Cloud
        // Build's and Tekton's folders anywhere (`ci/tekton/`): a red
        // team's teardown builds there were neither read nor reviewed as
        // delivery control.
        || (name.starts_with("cloudbuild") && (yaml || name.ends_with(".json")))
        || (yaml
            && path.split('/').rev().skip(1).any(|f| matches!(f, "cloudbuild" | "tekton" | ".tekton")))
        // Where Azure Pipelines definitions are kept by convention
        // (`eng/pipelines/deploy.yml`): YAML only, since scripts sit
        // beside them (a red team: a destroy task there was never read).
        // Not `ci/` or `pipelines/`, which also hold conda environments
        // and data pipelines (a second red team).
        || (yaml
            && ["eng/pipelines/", ".pipelines/", ".ado/", ".azuredevops/", "azure-pipelines/"]
                .iter()
                .any(|folder| path.starts_with(folder)))
}

/// `path` and `segments` are lowercase; `original` is the file name as
/// written (class names tell tests by case: `DigestTest.java`, not
/// `Digest.java`).
/// Whether a file is infrastructure by the folders other tools keep it
/// in (a classification audit: each was configuration or code, `owner`
/// for a deleted datastore's template): any file but prose under an
/// infrastructure program's folder (`iac`, `cloudformation`, `pulumi`:
/// CDK and Pulumi programs declare resources in code), and configuration
/// and templates under the folders whose names are also common words of
/// application code (`infrastructure`, `ansible`, `argocd`, `argo-cd`,
/// `gitops`, `flux`: a DDD application's `infrastructure` package holds
/// repositories, not resources; a later audit found its classes read as
/// destroyed infrastructure). Never under a test, example or docs folder.
fn other_tools_infrastructure(dirs: &[&str], name: &str) -> bool {
    if in_test_tree(dirs) || ends_with_any(name, DOC_EXTENSIONS) {
        return false;
    }
    let templates =
        [".yaml", ".yml", ".json", ".j2", ".jinja", ".jinja2", ".ini", ".cfg", ".conf", ".toml", ".template", ".tpl"];
    has_segment(dirs, &["iac", "cloudformation", "pulumi"])
        || (has_segment(dirs, &["infrastructure", "ansible", "argocd", "argo-cd", "gitops", "flux"])
            && ends_with_any(name, &templates))
}

fn default_kind(path: &str, segments: &[&str], original: &str) -> ChangeKind {
    let name = segments.last().copied().unwrap_or("");
    let dirs = segments.get(..segments.len().saturating_sub(1)).unwrap_or_default();

    if name == ".env"
        || (name.starts_with(".env.") && !name.ends_with(".example") && !name.ends_with(".sample"))
        || ends_with_any(name, &[".pem", ".key", ".p12", ".pfx", ".keystore", ".jks"])
        || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || has_segment(dirs, &["secrets", "secret"])
    {
        return ChangeKind::Secret;
    }
    // Liquibase keeps migrations as changelogs (`db/changelog/*.xml`,
    // `db.changelog-master.yaml`); a `changelog/` of notes (`*.md`) is
    // documentation. Found by a gaming audit: a changelog that drops a
    // table shipped as docs.
    // Only under a `db` or `database` folder (or named `db.changelog*`):
    // release tools write `CHANGELOG.json` into every package, and
    // Ansible's `changelogs/fragments/*.yml` are notes (a later audit).
    let data_ext = [".xml", ".yaml", ".yml", ".json", ".sql"];
    let liquibase = ends_with_any(name, &data_ext)
        && ((has_segment(dirs, &["db", "database"])
            && (has_segment(dirs, &["changelog", "changelogs"]) || name.contains("changelog")))
            || name.starts_with("db.changelog"));
    // Sqitch keeps its changes as `deploy/*.sql` (beside `revert/` and
    // `verify/`): SQL under `deploy` is a migration, not a manifest (a
    // red-team audit: `deploy/cleanup.sql` dropped a table as
    // infrastructure, unread).
    if has_segment(dirs, &["migrations", "migration", "migrate", "alembic", "flyway", "liquibase", "schema-migrations"])
        || (name.ends_with(".sql") && (versioned_sql(name) || has_segment(dirs, &["deploy", "revert"])))
        || liquibase
    {
        return ChangeKind::SchemaMigration;
    }
    let config_ext = [".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".properties"];
    let source = ends_with_any(name, SOURCE_EXTENSIONS);
    // (`*.tf.json`, OpenTofu's `*.tofu` and their variables files too: a
    // red team found a database deleted from a `.tf.json` file `auto`.)
    if ends_with_any(
        name,
        &[".tf", ".tfvars", ".hcl", ".dockerfile", ".bicep", ".tf.json", ".tfvars.json", ".tofu", ".tofu.json"],
    )
        || name.starts_with("dockerfile")
        || (name.starts_with("docker-compose") && ends_with_any(name, &[".yml", ".yaml"]))
        || name == "chart.yaml"
        // Kustomize, Skaffold and Helmfile name their files; Online
        // Boutique keeps its manifests in `kubernetes-manifests/` (a
        // classification audit: a deleted datastore manifest there was
        // configuration).
        || matches!(name, "kustomization.yaml" | "kustomization.yml" | "kustomization" | "skaffold.yaml" | "helmfile.yaml")
        || has_segment(
            dirs,
            &[
                "terraform",
                "k8s",
                "kubernetes",
                "kubernetes-manifests",
                "k8s-manifests",
                "helm",
                "charts",
                "deploy",
                "infra",
                "manifests",
                "kustomize",
            ],
        )
        || other_tools_infrastructure(dirs, name)
        || ci_definition(path, name)
    {
        return ChangeKind::Infrastructure;
    }
    let manifests = [
        "go.mod",
        "go.sum",
        "cargo.toml",
        "cargo.lock",
        "package.json",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "pyproject.toml",
        "pom.xml",
        "composer.json",
        "composer.lock",
        "packages.lock.json",
        "gemfile",
        "gemfile.lock",
        "pipfile",
        "pipfile.lock",
        // Other ecosystems' manifests and lock files (a classification
        // audit: `uv.lock` and `Package.resolved` upgrades were code).
        "uv.lock",
        "bun.lock",
        "bun.lockb",
        "deno.lock",
        "deno.json",
        "npm-shrinkwrap.json",
        "mix.exs",
        "mix.lock",
        "podfile",
        "podfile.lock",
        "gradle.lockfile",
        "settings.gradle",
        "settings.gradle.kts",
        "flake.nix",
        "flake.lock",
        "package.swift",
        "package.resolved",
        "pubspec.yaml",
        "pubspec.lock",
        "go.work",
        "go.work.sum",
        "build.sbt",
        "packages.config",
        "directory.packages.props",
        "paket.dependencies",
        "paket.lock",
        "cartfile",
        "cartfile.resolved",
        "conanfile.txt",
        "conanfile.py",
        "vcpkg.json",
    ];
    if manifests.contains(&name)
        || ((name.starts_with("requirements") || name.starts_with("constraints")) && name.ends_with(".txt"))
        || name == "cmakelists.txt"
        || name.starts_with("build.gradle")
        || name.ends_with(".csproj")
    {
        return ChangeKind::Dependency;
    }
    // A flag definition is configuration: source code under `flags/` is
    // code (it runs), and only a whole word names a flag file
    // (`feature-flags.yaml`, `checkout_flag.json`, not `flagship.yaml`).
    // Found by a gaming audit: both earned the flag discount. After the
    // infrastructure and dependency rules: `flags/main.tf` and
    // `toggles/package.json` are what their names say (a classification
    // audit: a deleted `payments/flags/main.tf` was a flag, not a
    // destroyed resource).
    let flag_word = |w: &str| matches!(w, "flag" | "flags" | "featureflag" | "featureflags" | "toggle" | "toggles");
    if !source
        && (has_segment(dirs, &["flags", "feature-flags", "feature_flags", "featureflags", "toggles"])
            || (ends_with_any(name, &config_ext) && name.split(|c: char| !c.is_ascii_alphanumeric()).any(flag_word)))
    {
        return ChangeKind::FeatureFlag;
    }
    // Whether the file is source code whose stem (the name before its
    // last extension) ends with one of `words`.
    let test_stem = |words: &[&str]| {
        name.rsplit_once('.').is_some_and(|(stem, _)| words.iter().any(|w| stem.ends_with(w) && stem.len() > w.len()))
            && source
    };
    // A test is not deployed, so these rules must not catch production
    // code: `spec` is also a common package name (OpenAPI specs, Go
    // packages) and `it` a locale folder (Italian), so they count only
    // with RSpec files or Maven's `src/it`; a class name tells by its case.
    if has_segment(dirs, &["test", "tests", "__tests__", "testdata", "e2e"])
        || (has_segment(dirs, &["spec"]) && (name.ends_with(".rb") || test_stem(&["_spec", ".spec"])))
        || dirs.windows(2).any(|w| w == ["src", "it"])
        // `*_test.*`, `*.test.*` and `*.spec.*` name test code (Go,
        // Jest, Jasmine) when the test word ends the stem of a source
        // file: not a configuration file `ab_test.yaml` or an OpenAPI
        // `api.spec.yaml` the service serves, nor `charge_test.impl.go`,
        // which Go compiles in (a classification audit: each was a test).
        || test_stem(&["_test", ".test", ".spec"])
        || (name.starts_with("test_") && name.ends_with(".py"))
        || ["Test.java", "Tests.java", "Test.kt", "Tests.kt", "Test.cs", "Tests.cs"]
            .iter()
            .any(|s| original.ends_with(s))
        || ["IT.java", "ITCase.java"].iter().any(|s| camel_case_suffix(original, s))
    {
        return ChangeKind::Test;
    }
    // Documentation is what only people read: prose and pictures by
    // extension. A `.txt` file is documentation at the top of the
    // repository or under `docs`; inside a service it may be data the
    // service reads (found by a gaming audit: `pricing/config/overrides.txt`
    // shipped as docs). A `LICENSE`, `CHANGELOG`, `AUTHORS`, `NOTICE` or
    // `COPYING` file is documentation without an extension or with one of
    // prose, and a `docs` folder holds documentation only by extension:
    // `license_keys.yaml`, `changelog_consumer.toml`, `docs/app.yaml` or
    // `docs/index.html` deploy with the service (found by red-team audits:
    // each shipped as docs, `auto` through a freeze).
    // Prompts an LLM-backed service reads at run time are behaviour, not
    // documentation, whatever their extension: `payments/prompts/refund.md`
    // changes what the refund agent does (a gaming audit: such a change
    // was `auto` as docs).
    if has_segment(dirs, &["prompts", "prompt", "system-prompts", "system_prompts"])
        && !in_test_tree(dirs)
        && !ends_with_any(name, SOURCE_EXTENSIONS)
    {
        return ChangeKind::Config;
    }
    let in_docs = has_segment(dirs, &["docs", "doc"]);
    let prose = ends_with_any(name, DOC_EXTENSIONS);
    // The notice's own name (`LICENSE`, `NOTICE.txt`, `LICENSE-MIT`,
    // `CHANGELOG.md`), not any name that starts like one
    // (`notice-sender`, a script; `notice-banner.txt`, text a service
    // serves: a later audit).
    // A suffixed license (`LICENSE-MIT`, `LICENSE-APACHE`) is one as the
    // convention writes it, in capitals: `license-server` is a script (a
    // classification audit: an executable shipped as docs).
    let stem = name.split('.').next().unwrap_or(name);
    let original_stem = original.split('.').next().unwrap_or(original);
    let notice_word = |w: &str| matches!(w, "license" | "licence" | "changelog" | "authors" | "notice" | "copying");
    let notice = (notice_word(stem)
        || original_stem.strip_prefix("LICENSE-").or_else(|| original_stem.strip_prefix("LICENCE-")).is_some_and(
            |rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
        ))
        && (!name.contains('.') || prose || name.ends_with(".txt"));
    if ends_with_any(name, &[".md", ".markdown", ".rst", ".adoc", ".asciidoc"])
        || notice
        || (in_docs && (prose || name.ends_with(".txt")))
        || (name.ends_with(".txt") && dirs.is_empty())
    {
        return ChangeKind::Docs;
    }
    if ends_with_any(name, &config_ext) || ends_with_any(name, &[".xml", ".env.example"]) {
        return ChangeKind::Config;
    }
    ChangeKind::Code
}

/// Extensions of source code, which counts as code even under a `docs` or
/// `doc` folder: swaggo writes `docs/docs.go` into the service it
/// documents, and a Go package named `doc` is compiled in like any other.
const SOURCE_EXTENSIONS: &[&str] = &[
    ".go", ".rs", ".py", ".java", ".kt", ".kts", ".scala", ".groovy", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx",
    ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".cs", ".fs", ".rb", ".php", ".swift", ".m", ".mm", ".dart", ".ex",
    ".exs", ".erl", ".clj", ".lua", ".pl", ".sh", ".bash", ".sql", ".vue", ".svelte",
];

/// Extensions of documentation: prose and pictures, which no service runs
/// (`.txt` is documentation only at the top or under `docs`).
const DOC_EXTENSIONS: &[&str] = &[
    ".md",
    ".markdown",
    ".rst",
    ".adoc",
    ".asciidoc",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".webp",
    ".pdf",
    ".drawio",
    ".puml",
    ".mmd",
    ".excalidraw",
];

/// Whether a `.sql` file name starts like a versioned migration: `V12__`,
/// `0003_`, `20240101...`.
fn versioned_sql(name: &str) -> bool {
    // Flyway's repeatable (`R__x.sql`) and undo (`U2__x.sql`) migrations
    // too (a red-team audit: `db/R__cleanup.sql` was code, unread).
    if name.starts_with("r__") {
        return true;
    }
    let rest = name.strip_prefix('v').or_else(|| name.strip_prefix('u')).unwrap_or(name);
    rest.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Whether `name` ends with `suffix` (`IT.java`) after a CamelCase word:
/// the character before it is a lowercase letter or a digit
/// (`PaymentIT.java`, `Cart2IT.java`), so an upper-case name that only
/// ends in the letters (`DEBIT.java`, `CREDIT.java`, `AUDIT.java`) is code.
fn camel_case_suffix(name: &str, suffix: &str) -> bool {
    name.strip_suffix(suffix)
        .and_then(|stem| stem.chars().next_back())
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules() {
        let c = Classifier::default();
        let cases = [
            ("src/productcatalogservice/server.go", ChangeKind::Code),
            ("src/frontend/README.md", ChangeKind::Docs),
            ("docs/setup.md", ChangeKind::Docs),
            ("config/app.yaml", ChangeKind::Config),
            ("flags/checkout.yaml", ChangeKind::FeatureFlag),
            ("config/feature-flags.json", ChangeKind::FeatureFlag),
            ("config/checkout_flag.yaml", ChangeKind::FeatureFlag),
            // Gaming audit: code under `flags/` runs; `flagship` is no flag;
            // a `.txt` inside a service may be data it reads.
            ("pricing/src/flags/engine.go", ChangeKind::Code),
            ("config/flagship.yaml", ChangeKind::Config),
            ("pricing/config/price-overrides.txt", ChangeKind::Code),
            ("NOTICE.txt", ChangeKind::Docs),
            ("docs/notes.txt", ChangeKind::Docs),
            ("db/migrations/0003_add_orders.sql", ChangeKind::SchemaMigration),
            ("sql/V12__drop_column.sql", ChangeKind::SchemaMigration),
            ("db/R__cleanup.sql", ChangeKind::SchemaMigration),
            ("payments/prompts/refund_policy.md", ChangeKind::Config),
            ("services/agent/system_prompts/triage.txt", ChangeKind::Config),
            ("docs/prompts/how-to.md", ChangeKind::Docs),
            ("agent/prompts/render.py", ChangeKind::Code),
            ("payments/README.md", ChangeKind::Docs),
            ("db/U12__undo.sql", ChangeKind::SchemaMigration),
            ("deploy/cleanup.sql", ChangeKind::SchemaMigration),
            ("sqitch/revert/cleanup.sql", ChangeKind::SchemaMigration),
            ("infra/main.tf", ChangeKind::Infrastructure),
            // Red team 33: JSON and OpenTofu spellings of Terraform files.
            ("leaf/db.tf.json", ChangeKind::Infrastructure),
            ("leaf/db.tofu", ChangeKind::Infrastructure),
            ("leaf/db.tofu.json", ChangeKind::Infrastructure),
            ("leaf/prod.tfvars.json", ChangeKind::Infrastructure),
            ("kubernetes-manifests/cartservice.yaml", ChangeKind::Infrastructure),
            // A classification audit: manifests, flags folders holding
            // infrastructure, configuration named like a test, scripts
            // named like a license, packages named like a spec, lock files.
            ("apps/cart/kustomization.yaml", ChangeKind::Infrastructure),
            ("payments/flags/main.tf", ChangeKind::Infrastructure),
            ("toggles/package.json", ChangeKind::Dependency),
            ("k8s/feature-flags.yaml", ChangeKind::Infrastructure),
            ("flags/Dockerfile", ChangeKind::Infrastructure),
            ("payments/config/ab_test.yaml", ChangeKind::Config),
            ("payments/split_test.json", ChangeKind::Config),
            ("payments/charge_test.impl.go", ChangeKind::Code),
            ("payments/_test.go", ChangeKind::Code),
            ("web/src/cart.test.tsx", ChangeKind::Test),
            ("payments/bin/license-server", ChangeKind::Code),
            ("payments/bin/licence-check", ChangeKind::Code),
            ("LICENSE-MIT", ChangeKind::Docs),
            ("LICENSE-APACHE-2.0.txt", ChangeKind::Docs),
            ("pkg/spec/spec.go", ChangeKind::Code),
            ("pkg/spec/inspector.go", ChangeKind::Code),
            ("web/spec/respect-limits.ts", ChangeKind::Code),
            ("api/spec/openapi.spec.yaml", ChangeKind::Config),
            ("web/spec/cart.spec.ts", ChangeKind::Test),
            ("spec/models/cart_spec.py", ChangeKind::Test),
            ("py/uv.lock", ChangeKind::Dependency),
            ("ios/Podfile.lock", ChangeKind::Dependency),
            ("app/Package.resolved", ChangeKind::Dependency),
            (".woodpecker.yaml", ChangeKind::Infrastructure),
            ("deploy/k8s/cart.yaml", ChangeKind::Infrastructure),
            ("infrastructure/db.yaml", ChangeKind::Infrastructure),
            ("src/main/java/com/acme/orders/infrastructure/OrderRepository.java", ChangeKind::Code),
            ("src/Infrastructure/Data/ApplicationDbContext.cs", ChangeKind::Code),
            ("internal/flux/reconcile.go", ChangeKind::Code),
            ("internal/flux/reconcile_test.go", ChangeKind::Test),
            ("infrastructure/README.md", ChangeKind::Docs),
            ("docs/ansible/guide.md", ChangeKind::Docs),
            ("tests/gitops/app.yaml", ChangeKind::Test),
            ("ansible/roles/db/tasks/main.yml", ChangeKind::Infrastructure),
            ("platform/iac/network.ts", ChangeKind::Infrastructure),
            ("cloudformation/orders.json", ChangeKind::Infrastructure),
            ("gitops/apps/orders.yaml", ChangeKind::Infrastructure),
            ("azure/storage.bicep", ChangeKind::Infrastructure),
            ("src/cartservice/Dockerfile", ChangeKind::Infrastructure),
            (".github/workflows/ci.yml", ChangeKind::Infrastructure),
            (".github/actions/setup/action.yml", ChangeKind::Infrastructure),
            (".gitlab-ci.yml", ChangeKind::Infrastructure),
            (".gitlab/ci/deploy.yml", ChangeKind::Infrastructure),
            ("Jenkinsfile", ChangeKind::Infrastructure),
            ("services/payments/Jenkinsfile.release", ChangeKind::Infrastructure),
            (".circleci/config.yml", ChangeKind::Infrastructure),
            ("azure-pipelines.yml", ChangeKind::Infrastructure),
            ("eng/pipelines/deploy.yml", ChangeKind::Infrastructure),
            (".ado/destroy.yaml", ChangeKind::Infrastructure),
            ("ci/deps/actions-311.yaml", ChangeKind::Config),
            ("pipelines/README.md", ChangeKind::Docs),
            ("bitbucket-pipelines.yml", ChangeKind::Infrastructure),
            (".buildkite/pipeline.yml", ChangeKind::Infrastructure),
            ("cloudbuild.yaml", ChangeKind::Infrastructure),
            ("cloudbuild-teardown.yaml", ChangeKind::Infrastructure),
            ("build/cloudbuild/deploy.yaml", ChangeKind::Infrastructure),
            ("ci/tekton/deploy-task.yaml", ChangeKind::Infrastructure),
            ("buildspec.yml", ChangeKind::Infrastructure),
            ("buildspec.md", ChangeKind::Docs),
            (".gitlab/issue_templates/bug.md", ChangeKind::Docs),
            ("go.mod", ChangeKind::Dependency),
            ("src/emailservice/requirements.txt", ChangeKind::Dependency),
            ("src/checkout/server_test.go", ChangeKind::Test),
            ("tests/test_api.py", ChangeKind::Test),
            (".env", ChangeKind::Secret),
            ("certs/server.pem", ChangeKind::Secret),
            (".env.example", ChangeKind::Config),
            ("LICENSE", ChangeKind::Docs),
            // Tests, and production code that only looks like them.
            ("src/main/java/com/shop/CartServiceTest.java", ChangeKind::Test),
            ("src/main/java/com/shop/CartIT.java", ChangeKind::Test),
            ("src/main/java/com/shop/Cart2IT.java", ChangeKind::Test),
            ("src/main/java/com/shop/PaymentITCase.java", ChangeKind::Test),
            // Regression (a git audit): upper-case names that end in `IT`
            // are production code, not failsafe integration tests.
            ("src/payments/DEBIT.java", ChangeKind::Code),
            ("src/payments/CREDIT.java", ChangeKind::Code),
            ("src/payments/IT.java", ChangeKind::Code),
            ("src/payments/AUDITCase.java", ChangeKind::Code),
            ("src/Cart.Tests/CartTests.cs", ChangeKind::Test),
            ("src/main/java/com/shop/Digest.java", ChangeKind::Code),
            ("src/main/java/com/shop/Manifest.java", ChangeKind::Code),
            ("src/Shop/Interests.cs", ChangeKind::Code),
            ("spec/models/cart_spec.rb", ChangeKind::Test),
            ("spec/spec_helper.rb", ChangeKind::Test),
            ("pkg/validation/spec/schema.go", ChangeKind::Code),
            ("src/it/java/com/shop/CartFlow.java", ChangeKind::Test),
            ("web/public/locales/it/messages.json", ChangeKind::Config),
            ("services/engine/CMakeLists.txt", ChangeKind::Dependency),
            ("constraints.txt", ChangeKind::Dependency),
            ("notes.txt", ChangeKind::Docs),
            // Source code under a docs folder is compiled in (swaggo's
            // generated `docs/docs.go`, a Go package `doc`).
            ("src/payments/docs/docs.go", ChangeKind::Code),
            ("internal/doc/render.go", ChangeKind::Code),
            ("docs/api/index.md", ChangeKind::Docs),
            ("docs/images/flow.png", ChangeKind::Docs),
            // Source code named like a license or changelog is code; a spec
            // the service serves is configuration, not a test.
            ("payments/src/license_check.go", ChangeKind::Code),
            ("svc/changelog_writer.py", ChangeKind::Code),
            ("src/main/java/com/shop/License.java", ChangeKind::Code),
            ("LICENSE.txt", ChangeKind::Docs),
            ("CHANGELOG", ChangeKind::Docs),
            ("payments/api/openapi.spec.yaml", ChangeKind::Config),
            ("web/src/cart.spec.ts", ChangeKind::Test),
            ("web/src/cart.test.js", ChangeKind::Test),
            // Red-team audits: files named like notices, and files under a
            // docs folder that are no prose, deploy with the service;
            // Liquibase's changelogs are migrations.
            ("src/payments/license_keys.yaml", ChangeKind::Config),
            ("src/payments/changelog_consumer.toml", ChangeKind::Config),
            ("src/payments/authors_db.json", ChangeKind::Config),
            ("src/payments/license.env", ChangeKind::Code),
            ("src/payments/LICENSE.hs", ChangeKind::Code),
            ("LICENSE-MIT", ChangeKind::Docs),
            ("CHANGELOG.md", ChangeKind::Docs),
            ("changelog/unreleased/1234.md", ChangeKind::Docs),
            ("src/checkout/docs/app.yaml", ChangeKind::Config),
            ("src/checkout/docs/index.html", ChangeKind::Code),
            ("src/checkout/doc/view.cshtml", ChangeKind::Code),
            ("src/cart/license.yaml", ChangeKind::Config),
            ("src/main/resources/db/changelog/changes/002-drop-orders.xml", ChangeKind::SchemaMigration),
            ("src/main/resources/db/changelog/changelog-002-drop-orders.xml", ChangeKind::SchemaMigration),
            ("src/main/resources/db/changelog/db.changelog-master.yaml", ChangeKind::SchemaMigration),
            ("src/checkoutservice/static/notice-banner.txt", ChangeKind::Code),
            ("src/checkoutservice/bin/notice-sender", ChangeKind::Code),
            ("src/checkoutservice/copying.txt", ChangeKind::Docs),
            ("packages/web/LICENSE.txt", ChangeKind::Docs),
            ("COPYING", ChangeKind::Docs),
            ("NOTICE", ChangeKind::Docs),
            ("LICENSE-APACHE", ChangeKind::Docs),
            ("packages/web/LICENSE", ChangeKind::Docs),
            ("packages/web/CHANGELOG.json", ChangeKind::Config),
            ("changelogs/fragments/123-fix.yml", ChangeKind::Config),
        ];
        for (path, kind) in cases {
            assert_eq!(c.classify(path), kind, "{path}");
        }
    }

    #[test]
    fn user_rules_run_first() {
        let c = Classifier::with_rules(vec![KindRule {
            kind: ChangeKind::Infrastructure,
            segment: Some("kubernetes-manifests".into()),
            suffix: None,
        }]);
        assert_eq!(c.classify("kubernetes-manifests/cartservice.yaml"), ChangeKind::Infrastructure);
        assert_eq!(c.classify("src/main.go"), ChangeKind::Code);
    }
}
