//! Service maps: which graph service a changed path belongs to.
//!
//! A service map file has one rule per line, `PATTERN SERVICE-ID`:
//!
//! ```text
//! # Online Boutique
//! src/cartservice/                    cartservice
//! kubernetes-manifests/cartservice.yaml cartservice
//! *.proto                             api-contracts   # every .proto file
//! ```
//!
//! Patterns have the syntax and meaning of [CODEOWNERS](crate::codeowners)
//! patterns, and the **last** matching rule wins. `#` starts a comment at
//! the start of a line or after whitespace. Unlike CODEOWNERS, this is
//! blastgate's own format, so a malformed line is an error, not a skipped
//! line: a path mapped to no service, or to the wrong one, would lower the
//! assessed risk without anyone noticing.
//!
//! A map can also be built from Backstage `backstage.io/source-location`
//! annotations ([`ServiceMap::from_source_locations`]).
//!
//! # Untrusted input
//! As [CODEOWNERS](crate::codeowners#untrusted-input); service ids are
//! checked as graph node ids (at most
//! [`blastgate_graph::limits::MAX_ID_BYTES`] bytes, no control characters).

use std::collections::{BTreeMap, HashMap, HashSet};

use blastgate_change::ChangeError;
pub use blastgate_change::repository_key;

use crate::codeowners::{
    MAX_RULES, PathMatcher, PathMatcherBuilder, Warnings, check_length, check_pattern, check_rule_count,
    check_wildcards, lines, shorten, split_line,
};

/// Paths mapped to graph service ids.
#[derive(Debug, Clone)]
pub struct ServiceMap {
    rules: Vec<ServiceRule>,
    matcher: PathMatcher,
    services: Vec<String>,
    /// Services that share one source location, sorted, each with the
    /// repository its location names (an index into `repositories`; `None`
    /// for a `dir:` location): a path their rules place counts for each
    /// of them (in a stated repository, for those of that repository).
    shared: Vec<Vec<(String, Option<usize>)>>,
    /// The repositories `url:` source locations name, sorted
    /// ([`repository_key`] forms).
    repositories: Vec<String>,
    /// The rules' patterns under their repository's folder (see
    /// [`ServiceMap::services_matching_in`]), built on first need.
    keyed: std::sync::OnceLock<Option<PathMatcher>>,
    warnings: Vec<String>,
}

/// What a [`MatchBudget`](blastgate_change::pathmatch::MatchBudget)'s
/// error calls the patterns of Backstage `source-location` annotations.
const SOURCE_LOCATIONS: &str = "the graph's source locations";

#[derive(Debug, Clone)]
struct ServiceRule {
    pattern: String,
    service: String,
    /// The line of a service map file it came from (`None` for a source
    /// location from a catalog).
    line: Option<usize>,
    /// For a source location that other services share, its entry in
    /// `shared`.
    shared: Option<usize>,
    /// For a `url:` source location, the repository it names (an index
    /// into `repositories`).
    repository: Option<usize>,
}

impl ServiceMap {
    /// Parses a service map file (see the [module docs](self)).
    ///
    /// # Errors
    /// - [`ChangeError::Syntax`] for text that is not UTF-8, or a line
    ///   without a service id or with more than two words; with `line N`
    ///   and the line.
    /// - [`ChangeError::InvalidValue`] for a pattern CODEOWNERS does not
    ///   support (`!`, `[ ]`, `\#`, `/`) or cannot compile, or a service id
    ///   with a control character; with `line N` and the text.
    /// - [`ChangeError::LimitExceeded`] for an input over
    ///   [`blastgate_change::limits::MAX_INPUT_BYTES`], a pattern over
    ///   [`blastgate_change::limits::MAX_STRING_BYTES`], a pattern of more
    ///   than [`crate::codeowners::MAX_PATTERN_WILDCARDS`] wildcards, more than
    ///   [`crate::codeowners::MAX_WILDCARDS`] in all, or a
    ///   service id over [`blastgate_graph::limits::MAX_ID_BYTES`] (named
    ///   `FILE: line N`),
    ///   or more than [`MAX_RULES`] rules.
    ///
    /// # Example
    /// ```
    /// # use blastgate_ingest::service_map::ServiceMap;
    ///
    /// let map = ServiceMap::parse("services.map", b"src/cart/ cart\nsrc/cart/vendor/ vendored\n")?;
    /// assert_eq!(map.service_of("src/cart/main.go"), Some("cart"));
    /// assert_eq!(map.service_of("src/cart/vendor/lib.go"), Some("vendored"));
    /// assert_eq!(map.service_of("README.md"), None);
    /// # Ok::<(), blastgate_change::ChangeError>(())
    /// ```
    pub fn parse(file: &str, bytes: &[u8]) -> Result<ServiceMap, ChangeError> {
        let mut rules = Vec::new();
        let mut builder = PathMatcherBuilder::new().named(file);
        let mut wildcards = 0usize;
        for (line_no, line) in lines(file, bytes)? {
            let place = || format!("line {line_no}");
            let (pattern, service) = match split_line(line).as_slice() {
                [] => continue,
                &[pattern, service] => (pattern, service),
                [_] => {
                    return Err(ChangeError::syntax(
                        file,
                        place(),
                        shorten(line),
                        "a rule needs a service id: write `PATTERN SERVICE-ID`",
                    ));
                }
                _ => {
                    return Err(ChangeError::syntax(
                        file,
                        place(),
                        shorten(line),
                        "a rule has more than two words: write `PATTERN SERVICE-ID`, escaping spaces in a pattern as `\\ `",
                    ));
                }
            };
            check_length(file, line_no, pattern)?;
            check_wildcards(file, line_no, pattern, &mut wildcards)?;
            if service.len() > blastgate_graph::limits::MAX_ID_BYTES {
                let max = blastgate_graph::limits::MAX_ID_BYTES as u64;
                return Err(ChangeError::limit(
                    &format!("{file}: line {line_no}"),
                    "max_id_bytes",
                    max,
                    service.len() as u64,
                ));
            }
            blastgate_graph::check_id(file, service, place)?;
            check_pattern(pattern).map_err(|reason| ChangeError::invalid(file, place(), pattern, reason))?;
            check_rule_count(file, rules.len())?;
            builder.add(rules.len(), pattern).map_err(|reason| ChangeError::invalid(file, place(), pattern, reason))?;
            rules.push(ServiceRule {
                pattern: pattern.to_owned(),
                service: service.to_owned(),
                line: Some(line_no),
                shared: None,
                repository: None,
            });
        }
        let matcher = builder.build().map_err(|e| {
            ChangeError::invalid(
                file,
                "",
                "",
                format!("cannot compile the patterns ({e}); split the file or use fewer, broader patterns"),
            )
        })?;
        Ok(Self::new(rules, matcher, Vec::new(), Vec::new(), Vec::new()))
    }

    /// Builds a map from Backstage `backstage.io/source-location`
    /// annotations: `(service id, annotation value)` pairs, as the
    /// Backstage loader keeps them in the node label `source_location`.
    ///
    /// Each location becomes a pattern anchored at the repository root:
    /// - `url:https://HOST/ORG/REPO/tree/BRANCH/PATH/` gives `/PATH/` (the
    ///   directory and everything below);
    /// - `url:https://HOST/ORG/REPO/blob/BRANCH/PATH` gives `/PATH` (a file,
    ///   or a directory and everything below); a trailing `/` makes it a
    ///   directory;
    /// - GitLab's `/-/tree/BRANCH/` and `/-/blob/BRANCH/` and Bitbucket's
    ///   `/src/BRANCH/` are read the same way;
    /// - `dir:./PATH` gives `/PATH/`, taking the path as relative to the
    ///   repository root (Backstage resolves it against the catalog file,
    ///   so this holds for catalog files at the root).
    ///
    /// Query strings and fragments are dropped, `%XX` escapes decoded and
    /// glob characters in the path escaped. The branch is taken to be one
    /// path segment. A location that points at the repository root would
    /// claim every file, so it is skipped with a warning, as are locations
    /// that cannot be read (another type than `url:` or `dir:`, a `..`
    /// segment, an absolute directory, a URL without `/tree/` or `/blob/`)
    /// and invalid service ids.
    ///
    /// Rules are ordered by depth, so the deepest matching location wins
    /// whatever the input order. Services at the same location (the same
    /// folder, however spelled: `/tree/BRANCH/PATH/`, `/blob/BRANCH/PATH`,
    /// `dir:./PATH`) all own what it places: every entity of one
    /// `catalog-info.yaml` commonly carries the same annotation, and a
    /// path placed on one of them only, by the order of their ids, could
    /// leave a tier-0 service's change on a tier-3 status page (a
    /// determinism audit). [`ServiceMap::services_of`] names them all, and
    /// a warning names the services that share a location. More than
    /// [`MAX_RULES`] locations are a warning and the rest are skipped.
    ///
    /// # Example
    /// ```
    /// # use blastgate_ingest::service_map::ServiceMap;
    ///
    /// let map = ServiceMap::from_source_locations([
    ///     ("cart", "url:https://github.com/acme/shop/tree/main/src/cart/"),
    ///     ("web", "dir:./web"),
    /// ]);
    /// assert_eq!(map.service_of("src/cart/main.go"), Some("cart"));
    /// assert_eq!(map.service_of("web/index.html"), Some("web"));
    /// assert!(map.warnings().is_empty());
    ///
    /// let shared = ServiceMap::from_source_locations([
    ///     ("payments", "url:https://github.com/acme/shop/tree/main/services/payments/"),
    ///     ("status-page", "url:https://github.com/acme/shop/blob/main/services/payments"),
    /// ]);
    /// assert_eq!(shared.services_of("services/payments/ledger.go"), ["payments", "status-page"]);
    /// assert_eq!(shared.warnings().len(), 1);
    /// ```
    pub fn from_source_locations<'a>(locations: impl IntoIterator<Item = (&'a str, &'a str)>) -> ServiceMap {
        let mut warnings = Warnings::default();
        let mut found: Vec<(usize, ServiceRule, Option<String>)> = Vec::new();
        for (service, location) in locations {
            // (Quoted without a user and password: a pasted clone URL may
            // carry a token.)
            let what = || {
                format!(
                    "service `{}`: source location `{}`",
                    shorten(service),
                    shorten(&blastgate_change::without_credentials(location))
                )
            };
            if found.len() >= MAX_RULES {
                warnings.push(format!("{}: more than {MAX_RULES} locations; the rest are skipped", what()));
                break;
            }
            if let Some(problem) = service_id_problem(service) {
                warnings.push(format!("{}: invalid service id: {problem}; skipped", what()));
                continue;
            }
            match location_pattern(location) {
                Ok((pattern, depth, repository)) => {
                    let rule = ServiceRule {
                        pattern,
                        service: service.to_owned(),
                        line: None,
                        shared: None,
                        repository: None,
                    };
                    found.push((depth, rule, repository));
                }
                Err(reason) => warnings.push(format!("{}: {reason}; skipped", what())),
            }
        }
        // Deeper locations last, so that they win; equal depths in one
        // order whatever the input's (by location, then service, then
        // repository).
        found.sort_by(|(a_depth, a, a_repo), (b_depth, b, b_repo)| {
            (a_depth, location_key(&a.pattern), &a.service, a_repo).cmp(&(
                b_depth,
                location_key(&b.pattern),
                &b.service,
                b_repo,
            ))
        });
        let repositories: Vec<String> = found
            .iter()
            .filter_map(|(_, _, r)| r.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for (_, rule, repository) in &mut found {
            rule.repository = repository.as_ref().and_then(|r| repositories.binary_search(r).ok());
        }
        // Services sharing a location: each owns what it places.
        let mut by_location: BTreeMap<&str, Vec<(&str, Option<usize>)>> = BTreeMap::new();
        for (_, rule, _) in &found {
            // (Sorted by location, then service: a repeat is the last one,
            // and a location 100,000 entities share costs no quadratic scan.)
            let services = by_location.entry(location_key(&rule.pattern)).or_default();
            let entry = (rule.service.as_str(), rule.repository);
            if services.last() != Some(&entry) {
                services.push(entry);
            }
        }
        let mut shared: Vec<Vec<(String, Option<usize>)>> = Vec::new();
        let mut shared_at: HashMap<String, usize> = HashMap::new();
        for (location, services) in by_location.into_iter().filter(|(_, s)| s.len() > 1) {
            let mut names: Vec<&str> = services.iter().map(|(s, _)| *s).collect();
            names.dedup();
            if names.len() > 1 {
                warnings.push(format!(
                    "services {} have the same source location `{}`; a file there counts as a change to each of \
                     them (of the change's repository, when it states one)",
                    name_list(&names),
                    shorten(location)
                ));
            }
            shared_at.insert(location.to_owned(), shared.len());
            shared.push(services.into_iter().map(|(s, r)| (s.to_owned(), r)).collect());
        }
        for (_, rule, _) in &mut found {
            rule.shared = shared_at.get(location_key(&rule.pattern)).copied();
        }
        let mut builder = PathMatcherBuilder::new().named(SOURCE_LOCATIONS);
        let mut rules = Vec::with_capacity(found.len());
        for (_, rule, _) in found {
            match builder.add(rules.len(), &rule.pattern) {
                Ok(()) => rules.push(rule),
                Err(reason) => warnings.push(format!(
                    "service `{}`: pattern `{}`: {reason}; skipped",
                    shorten(&rule.service),
                    shorten(&rule.pattern)
                )),
            }
        }
        let matcher = match builder.build() {
            Ok(m) => m,
            Err(e) => {
                warnings.push(format!("cannot compile the source location patterns ({e}); no path is mapped"));
                rules.clear();
                PathMatcher::empty()
            }
        };
        Self::new(rules, matcher, shared, repositories, warnings.finish())
    }

    fn new(
        rules: Vec<ServiceRule>,
        matcher: PathMatcher,
        shared: Vec<Vec<(String, Option<usize>)>>,
        repositories: Vec<String>,
        warnings: Vec<String>,
    ) -> Self {
        let mut seen = HashSet::new();
        let services = rules.iter().filter(|r| seen.insert(r.service.as_str())).map(|r| r.service.clone()).collect();
        ServiceMap { rules, matcher, services, shared, repositories, keyed: std::sync::OnceLock::new(), warnings }
    }

    /// The service of `path` (from the repository root, `/`-separated; a
    /// leading `/` or `./` is ignored): the service of the last matching
    /// rule, or `None`.
    ///
    /// # Complexity
    /// Two glob-set matches per directory level of `path` and per glob set
    /// of up to 4,096 rules (see the [`codeowners`](crate::codeowners#untrusted-input)
    /// module docs).
    pub fn service_of(&self, path: &str) -> Option<&str> {
        let index = self.matcher.rule_of(path, false)?;
        self.rules.get(index).map(|r| r.service.as_str())
    }

    /// Every service of `path`: the service of the last matching rule, and
    /// when that rule is a source location other services share (see
    /// [`ServiceMap::from_source_locations`]), each of them, sorted; empty
    /// when no rule matches.
    ///
    /// # Complexity
    /// As [`ServiceMap::service_of`].
    pub fn services_of(&self, path: &str) -> Vec<&str> {
        self.services_of_entry(path, false)
    }

    /// [`ServiceMap::services_of`] for a path that is a directory to git:
    /// a submodule (a gitlink), matched as a directory as CODEOWNERS
    /// matches it ([`CodeOwners::owners_of_dir`](crate::codeowners::CodeOwners::owners_of_dir)),
    /// so that a rule `src/checkout/` places the submodule `src/checkout`.
    ///
    /// ```
    /// # use blastgate_ingest::service_map::ServiceMap;
    ///
    /// let map = ServiceMap::parse("service-map", b"src/checkout/ checkoutservice\n")?;
    /// assert_eq!(map.services_of_dir("src/checkout"), vec!["checkoutservice"]);
    /// assert!(map.services_of("src/checkout").is_empty()); // a file of that name
    /// # Ok::<(), blastgate_change::ChangeError>(())
    /// ```
    pub fn services_of_dir(&self, path: &str) -> Vec<&str> {
        self.services_of_entry(path, true)
    }

    fn services_of_entry(&self, path: &str, is_dir: bool) -> Vec<&str> {
        self.services_matching(path, is_dir, false).map(|(_, services)| services).unwrap_or_default()
    }

    /// Every service of `path` as [`ServiceMap::services_of`] gives them,
    /// and the index of the rule that placed it (rules in file order, from
    /// 0; of two, the higher decides); matched as a directory when `is_dir`
    /// (see [`ServiceMap::services_of_dir`]) and ignoring case in patterns
    /// and path alike when `ignore_case` (`src/PayApp/` then places
    /// `src/payapp/x.go`). `None` when no rule matches.
    ///
    /// ```
    /// # use blastgate_ingest::service_map::ServiceMap;
    ///
    /// let map = ServiceMap::parse("service-map", b"* leaf\nsrc/PayApp/ payapp\n")?;
    /// assert_eq!(map.services_matching("src/payapp/x.go", false, false), Some((0, vec!["leaf"])));
    /// assert_eq!(map.services_matching("src/payapp/x.go", false, true), Some((1, vec!["payapp"])));
    /// # Ok::<(), blastgate_change::ChangeError>(())
    /// ```
    pub fn services_matching(&self, path: &str, is_dir: bool, ignore_case: bool) -> Option<(usize, Vec<&str>)> {
        self.services_matching_in(path, is_dir, ignore_case, None)
    }

    /// [`ServiceMap::services_matching`] for a file of `repository` (a
    /// clone URL or `HOST/ORG/REPO`, read by [`repository_key`]): only
    /// source locations in that repository, and `dir:` ones (relative to
    /// the catalog file, so in any repository), place it. Another
    /// repository's `tree/main/cmd/` does not claim this one's `cmd/` (a
    /// red-team finding: a catalog spanning repositories placed a tier-0
    /// service's file on another repository's tier-3 tool). `None` for
    /// `repository`, one that cannot be read or one that no location
    /// names matches as [`ServiceMap::services_matching`] does, every
    /// location whatever its repository: stating a repository never places
    /// less than stating none (red team 18). A map parsed from a service map file names no
    /// repository: its rules place files of any.
    ///
    /// ```
    /// # use blastgate_ingest::service_map::ServiceMap;
    ///
    /// let map = ServiceMap::from_source_locations([
    ///     ("payments", "url:https://github.com/acme/payments/tree/main/cmd/"),
    ///     ("status", "url:https://github.com/acme/status/tree/main/cmd/"),
    /// ]);
    /// let mine = Some("https://github.com/acme/payments.git");
    /// assert_eq!(map.services_matching_in("cmd/main.go", false, false, mine), Some((0, vec!["payments"])));
    /// // Unknown (none stated, or one no location names): every location
    /// // that places the path.
    /// assert_eq!(map.services_matching("cmd/main.go", false, false), Some((1, vec!["payments", "status"])));
    /// let other = Some("git@github.com:acme/ledger.git");
    /// assert_eq!(map.services_matching_in("cmd/main.go", false, false, other), Some((1, vec!["payments", "status"])));
    /// ```
    pub fn services_matching_in(
        &self,
        path: &str,
        is_dir: bool,
        ignore_case: bool,
        repository: Option<&str>,
    ) -> Option<(usize, Vec<&str>)> {
        let (index, rule, in_repository) = self.rule_in(path, is_dir, ignore_case, repository)?;
        let services = match rule.shared.and_then(|i| self.shared.get(i)) {
            Some(services) => {
                let mut names: Vec<&str> = services
                    .iter()
                    .filter(|(_, r)| r.is_none() || in_repository.is_none_or(|wanted| *r == wanted))
                    .map(|(s, _)| s.as_str())
                    .collect();
                names.dedup();
                names
            }
            None => vec![rule.service.as_str()],
        };
        Some((index, services))
    }

    /// The rule that places `path` for a change in `repository` (see
    /// [`ServiceMap::services_matching_in`]), its index, and the repository
    /// it was matched for (`None` when every location counted; inside,
    /// the stated repository's index, `None` when no location names it).
    fn rule_in(
        &self,
        path: &str,
        is_dir: bool,
        ignore_case: bool,
        repository: Option<&str>,
    ) -> Option<(usize, &ServiceRule, Option<Option<usize>>)> {
        // (A stated repository no location names places as none does:
        // read as stated, every `url:` location dropped out and a change
        // to a tier-0 service's code was reviewed as unplaced code alone,
        // more leniently than stating nothing; red team 18.)
        // (A keyed matcher that cannot be built reads as no repository
        // stated: every location, never fewer.)
        let keyed = || self.keyed.get_or_init(|| self.keyed_matcher()).as_ref();
        let wanted = repository.and_then(|r| self.named_repository(r)).filter(|_| keyed().is_some());
        let index = match &wanted {
            None => self.matcher.rule(path, is_dir, ignore_case),
            Some(key) => {
                let path = path.strip_prefix("./").unwrap_or(path).trim_start_matches('/');
                if path.is_empty() {
                    return None;
                }
                let keyed = keyed()?;
                let path = format!("{}/{path}", key_segment(key));
                keyed.rule(&path, is_dir, ignore_case)
            }
        }?;
        let rule = self.rules.get(index)?;
        let in_repository = wanted.as_ref().map(|key| self.repositories.binary_search(key).ok());
        Some((index, rule, in_repository))
    }

    /// Every rule's pattern under a first folder for its repository
    /// ([`key_segment`]; `*` for a rule that names none), so that one
    /// matcher answers for a stated repository; `None` when it cannot be
    /// built (then every location places paths, as for a change that
    /// states no repository).
    fn keyed_matcher(&self) -> Option<PathMatcher> {
        let mut builder = PathMatcherBuilder::new().named(SOURCE_LOCATIONS);
        for (index, rule) in self.rules.iter().enumerate() {
            let folder = match rule.repository.and_then(|r| self.repositories.get(r)) {
                Some(key) => escape_segment(&key_segment(key)),
                None => "*".to_owned(),
            };
            builder.add(index, &format!("/{folder}{}", rule.pattern)).ok()?;
        }
        builder.build().ok()
    }

    /// Which locations place `path` for a change in `repository`, as
    /// [`ServiceMap::services_matching_in`] matches it: `None` when none
    /// does; else the repositories their `url:` locations name (of a
    /// location several services share, each once, sorted), and whether a
    /// `dir:` location is among them (relative to the catalog file that
    /// holds it, so of whichever repository that is).
    pub fn locations_placing(
        &self,
        path: &str,
        is_dir: bool,
        ignore_case: bool,
        repository: Option<&str>,
    ) -> Option<(Vec<&str>, bool)> {
        let (_, rule, in_repository) = self.rule_in(path, is_dir, ignore_case, repository)?;
        let repositories: Vec<Option<usize>> = match rule.shared.and_then(|i| self.shared.get(i)) {
            Some(services) => services
                .iter()
                .map(|(_, r)| *r)
                .filter(|r| r.is_none() || in_repository.is_none_or(|wanted| *r == wanted))
                .collect(),
            None => vec![rule.repository],
        };
        let dir = repositories.iter().any(Option::is_none);
        let mut named: Vec<&str> =
            repositories.into_iter().flatten().filter_map(|r| self.repositories.get(r)).map(String::as_str).collect();
        named.sort_unstable();
        named.dedup();
        Some((named, dir))
    }

    /// `repository`'s [`repository_key`] when a `url:` location of the map
    /// names it; `None` otherwise (then every location places paths, as
    /// for a change that states no repository).
    pub fn named_repository(&self, repository: &str) -> Option<String> {
        repository_key(repository).filter(|key| self.repositories.binary_search(key).is_ok())
    }

    /// The repositories the map's `url:` source locations name, sorted, in
    /// [`repository_key`]'s form.
    pub fn repositories(&self) -> &[String] {
        &self.repositories
    }

    /// The pattern of the rule that decides `path`'s service.
    pub fn pattern_of(&self, path: &str) -> Option<&str> {
        let index = self.matcher.rule_of(path, false)?;
        self.rules.get(index).map(|r| r.pattern.as_str())
    }

    /// What was skipped while building the map, and why (empty for a map
    /// parsed from a file, whose problems are errors).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Every service id the map names, once each, in order of first
    /// appearance: check them against the graph.
    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.services.iter().map(String::as_str)
    }

    /// The line of the first rule that names `service`, for messages
    /// (`None` for a map made from catalog source locations, or a service
    /// it does not name).
    pub fn line_of(&self, service: &str) -> Option<usize> {
        self.rules.iter().find(|r| r.service == service).and_then(|r| r.line)
    }

    /// The number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}

/// The folder or file a location pattern names, however the location
/// spelled it: `/PATH/` (a `tree` URL, `dir:`) and `/PATH` (a `blob` URL)
/// name the same place.
fn location_key(pattern: &str) -> &str {
    pattern.strip_suffix('/').unwrap_or(pattern)
}

/// Most services a shared-location warning names.
const MAX_NAMED: usize = 20;

/// `names` quoted and shortened, at most [`MAX_NAMED`], then how many more.
fn name_list(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(MAX_NAMED).map(|n| format!("`{}`", shorten(n))).collect();
    let more = names.len().saturating_sub(shown.len());
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

/// What is wrong with a service id, if anything (the checks of
/// [`blastgate_graph::check_id`]).
fn service_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if id.len() > blastgate_graph::limits::MAX_ID_BYTES {
        Some("it is longer than `max_id_bytes`")
    } else if id.chars().any(char::is_control) {
        Some("it contains a control character")
    } else {
        None
    }
}

/// The pattern of a `backstage.io/source-location` value and its depth in
/// path segments, or why it cannot be mapped.
fn location_pattern(location: &str) -> Result<(String, usize, Option<String>), String> {
    let location = location.trim();
    let (segments, is_dir, repository) = if let Some(url) = location.strip_prefix("url:") {
        let (segments, is_dir, repository) = url_path(url.trim())?;
        (segments, is_dir, Some(repository))
    } else if let Some(dir) = location.strip_prefix("dir:") {
        let dir = dir.trim();
        if dir.starts_with('/') {
            return Err("an absolute directory cannot be mapped to repository paths".to_owned());
        }
        (dir.split('/').map(str::to_owned).collect::<Vec<_>>(), true, None)
    } else {
        return Err("not a `url:` or `dir:` location".to_owned());
    };
    let segments: Vec<String> = segments.into_iter().filter(|s| !s.is_empty() && s != ".").collect();
    if segments.iter().any(|s| s == "..") {
        return Err("a `..` segment points outside the repository".to_owned());
    }
    if segments.is_empty() {
        return Err("points at the repository root, which would claim every file".to_owned());
    }
    let mut pattern = String::new();
    for segment in &segments {
        pattern.push('/');
        pattern.push_str(&escape_segment(segment));
    }
    if is_dir {
        pattern.push('/');
    }
    Ok((pattern, segments.len(), repository))
}

/// `segment` with the characters a pattern reads specially escaped.
fn escape_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for c in segment.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\' | '!' | '#') || c.is_whitespace() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A repository key as one folder name: `%` and `/` percent-encoded.
fn key_segment(key: &str) -> String {
    key.replace('%', "%25").replace('/', "%2F")
}

/// The repository path of a source URL, as decoded segments, and whether it
/// names a directory.
fn url_path(url: &str) -> Result<(Vec<String>, bool, String), String> {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let Some((_, rest)) = url.split_once("://") else {
        return Err("not an absolute URL".to_owned());
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let parts: Vec<&str> = path.split('/').collect();
    let trailing_slash = path.ends_with('/');
    let at = |i: usize| parts.get(i).copied().unwrap_or_default();
    // Where the repository path starts, and whether the marker says
    // "directory" (`tree`).
    let gitlab = (0..parts.len()).find(|&i| at(i) == "-" && matches!(at(i + 1), "tree" | "blob"));
    // Bitbucket's `/ORG/REPO/src/BRANCH/` first: a folder of its path
    // named `tree` or `blob` is no GitHub marker (a red-team finding:
    // `src/main/services/blob/` read as the repository root).
    let (start, tree) = if host.contains("bitbucket") && at(2) == "src" {
        (4, false)
    } else if let Some(i) = gitlab {
        (i + 3, at(i + 1) == "tree")
    } else if let Some(i) = (2..parts.len()).find(|&i| matches!(at(i), "tree" | "blob")) {
        (i + 2, at(i) == "tree")
    } else if parts.iter().filter(|p| !p.is_empty()).count() <= 2 {
        return Err("points at the repository root, which would claim every file".to_owned());
    } else {
        return Err("cannot find the path in the URL (expected `/tree/BRANCH/` or `/blob/BRANCH/`)".to_owned());
    };
    // Decoded before splitting again, so an encoded `/` (`%2F`) separates
    // segments and a `..` hidden in one is still seen.
    let segments = parts
        .get(start..)
        .unwrap_or_default()
        .iter()
        .flat_map(|s| percent_decode(s).split('/').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    // The repository: the path before the marker (`-/tree` and `tree`
    // are two and one segments before the branch; Bitbucket's `src` one).
    let marker = start.saturating_sub(if gitlab.is_some() { 3 } else { 2 });
    let repository_path = parts.get(..marker).unwrap_or_default().join("/");
    let repository = repository_key(&format!("https://{host}/{repository_path}"))
        .unwrap_or_else(|| format!("{}/{}", host.to_ascii_lowercase(), repository_path.to_lowercase()));
    Ok((segments, tree || trailing_slash, repository))
}

/// Decodes `%XX` escapes; a malformed escape or one that decodes to
/// invalid UTF-8 leaves the text as written.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8().map_or_else(|_| text.to_owned(), String::from)
}
