//! Service maps: the Online Boutique map against the real file list and
//! graph, the file format's errors, and Backstage source locations.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::collections::BTreeSet;

use blastgate_ingest::codeowners::{MAX_PATTERN_WILDCARDS, MAX_RULES};
use blastgate_ingest::service_map::ServiceMap;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");
const MAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/owners/online-boutique.servicemap");

fn online_boutique() -> ServiceMap {
    ServiceMap::parse("online-boutique.servicemap", &std::fs::read(MAP).unwrap()).unwrap()
}

fn graph_services() -> BTreeSet<String> {
    let edges = std::fs::read_to_string(format!("{FIXTURES}/graphs/online-boutique.edges")).unwrap();
    edges.split_whitespace().map(str::to_owned).collect()
}

fn files() -> Vec<String> {
    let text = std::fs::read_to_string(format!("{FIXTURES}/codeowners/online-boutique.files.txt")).unwrap();
    text.lines().map(str::to_owned).collect()
}

#[test]
fn online_boutique_map_names_only_graph_services() {
    let map = online_boutique();
    assert!(map.warnings().is_empty());
    assert_eq!(map.rule_count(), 22);
    let named: BTreeSet<String> = map.services().map(str::to_owned).collect();
    assert_eq!(named.len(), 11);
    let graph = graph_services();
    assert_eq!(graph.len(), 12);
    assert!(named.is_subset(&graph), "not in the graph: {:?}", named.difference(&graph).collect::<Vec<_>>());
    // Every graph service has code except the stock Redis.
    assert_eq!(graph.difference(&named).collect::<Vec<_>>(), ["redis-cart"]);
    // In order of first appearance, once each.
    assert_eq!(map.services().next(), Some("adservice"));
    assert_eq!(map.services().count(), 11);
}

#[test]
fn every_source_file_maps_to_its_service() {
    let map = online_boutique();
    let graph = graph_services();
    let files = files();
    let mut seen = BTreeSet::new();
    for path in &files {
        let Some(dir) = path.strip_prefix("src/").and_then(|rest| rest.split_once('/')).map(|(dir, _)| dir) else {
            continue;
        };
        if graph.contains(dir) {
            assert_eq!(map.service_of(path), Some(dir), "{path}");
            seen.insert(dir.to_owned());
        } else {
            assert_eq!(dir, "shoppingassistantservice");
            assert_eq!(map.service_of(path), None, "{path}");
        }
    }
    // Every mapped service directory exists in the repository.
    let named: BTreeSet<String> = map.services().map(str::to_owned).collect();
    assert_eq!(seen, named);
    // Nested files too.
    assert_eq!(map.service_of("src/cartservice/src/cartstore/RedisCartStore.cs"), Some("cartservice"));
    assert_eq!(map.pattern_of("src/cartservice/src/cartstore/RedisCartStore.cs"), Some("src/cartservice/"));
}

#[test]
fn manifests_map_to_their_service() {
    let map = online_boutique();
    let files = files();
    let mut mapped = 0;
    for path in files.iter().filter(|p| p.starts_with("kubernetes-manifests/")) {
        let name = path.trim_start_matches("kubernetes-manifests/").trim_end_matches(".yaml");
        match map.service_of(path) {
            Some(service) => {
                assert_eq!(service, name, "{path}");
                mapped += 1;
            }
            None => assert!(["README.md", "kustomization"].contains(&name), "{path}"),
        }
    }
    assert_eq!(mapped, 11);
}

#[test]
fn files_outside_services_map_to_nothing() {
    let map = online_boutique();
    for path in ["README.md", "skaffold.yaml", "kubernetes-manifests/README.md", "docs/img/architecture-diagram.png"] {
        assert_eq!(map.service_of(path), None, "{path}");
    }
    // Only under src/ at the root: the pattern has an inner slash.
    assert_eq!(map.service_of("vendor/src/cartservice/x.cs"), None);
}

#[test]
fn last_matching_rule_wins_and_comments() {
    let text = "src/ platform   # everything in src\nsrc/cart/ cart\n*.proto contracts\n\n# src/pay/ pay\n";
    let map = ServiceMap::parse("map", text.as_bytes()).unwrap();
    assert_eq!(map.rule_count(), 3);
    assert_eq!(map.service_of("src/cart/main.go"), Some("cart"));
    assert_eq!(map.service_of("src/cart/api.proto"), Some("contracts"));
    assert_eq!(map.service_of("src/pay/main.go"), Some("platform"));
    assert_eq!(map.services().collect::<Vec<_>>(), ["platform", "cart", "contracts"]);
}

#[test]
fn crlf_and_empty_files() {
    let map = ServiceMap::parse("map", b"\xEF\xBB\xBFsrc/a/ a\r\nsrc/b/ b\r\n").unwrap();
    assert_eq!(map.service_of("src/b/x"), Some("b"));
    for text in ["", "\n", "# nothing\n"] {
        let map = ServiceMap::parse("map", text.as_bytes()).unwrap();
        assert_eq!(map.rule_count(), 0);
        assert_eq!(map.service_of("x"), None);
        assert_eq!(map.services().count(), 0);
    }
}

fn error(text: &str) -> (String, String) {
    let err = ServiceMap::parse("services.map", text.as_bytes()).unwrap_err();
    (err.kind_name().to_owned(), err.to_string())
}

#[test]
fn malformed_lines_are_errors_with_line_and_text() {
    let (kind, message) = error("src/a/ a\nsrc/b/\n");
    assert_eq!(kind, "syntax");
    assert!(message.starts_with("services.map: line 2: a rule needs a service id"), "{message}");
    assert!(message.contains("`src/b/`"), "{message}");

    let (kind, message) = error("src/a/ a b\n");
    assert_eq!(kind, "syntax");
    assert!(message.contains("line 1: a rule has more than two words"), "{message}");

    let (kind, message) = error("\n!src/a/ a\n");
    assert_eq!(kind, "invalid_value");
    assert!(message.contains("line 2: negation"), "{message}");
    assert!(message.contains("`!src/a/`"), "{message}");

    let (kind, message) = error("src/*.[ch] c\n");
    assert_eq!(kind, "invalid_value");
    assert!(message.contains("line 1: character ranges"), "{message}");

    let (kind, message) = error("/ everything\n");
    assert_eq!(kind, "invalid_value");
    assert!(message.contains("never matches"), "{message}");

    // No path from the repository root has a `.` or `..` segment (a
    // red-team finding: such a rule loaded and matched nothing).
    for pattern in ["./svc/pay/", "svc/./pay/", "svc/../svc/pay/"] {
        let (kind, message) = error(&format!("{pattern} payments\n"));
        assert_eq!(kind, "invalid_value", "{pattern}");
        assert!(message.contains("`.` or `..` path segment"), "{pattern}: {message}");
    }

    let (kind, message) = error("src/a/ a\u{7}b\n");
    assert_eq!(kind, "invalid_value");
    assert!(message.contains("line 1") && message.contains("control character"), "{message}");

    let err = ServiceMap::parse("services.map", b"src/a/ \xff\n").unwrap_err();
    assert_eq!(err.kind_name(), "syntax");
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn limits_are_errors() {
    let (kind, message) = error(&format!("src/a/ {}\n", "s".repeat(513)));
    assert_eq!(kind, "limit_exceeded");
    assert!(message.contains("services.map: line 1") && message.contains("max_id_bytes"), "{message}");

    let (kind, message) = error(&format!("\n/{}/ a\n", "p".repeat(5000)));
    assert_eq!(kind, "limit_exceeded");
    assert!(message.contains("services.map: line 2") && message.contains("max_string_bytes"), "{message}");

    let many: String = (0..=MAX_RULES).map(|i| format!("/d{i}/ s\n")).collect();
    let (kind, message) = error(&many);
    assert_eq!(kind, "limit_exceeded");
    assert!(message.contains("max_rules"), "{message}");
}

// --- Backstage source locations. ---

fn single(location: &str) -> ServiceMap {
    ServiceMap::from_source_locations([("svc", location)])
}

#[test]
fn github_tree_url_is_a_directory() {
    let map = single("url:https://github.com/org/repo/tree/main/src/cartservice/");
    assert!(map.warnings().is_empty(), "{:?}", map.warnings());
    assert_eq!(map.pattern_of("src/cartservice/x.cs"), Some("/src/cartservice/"));
    assert_eq!(map.service_of("src/cartservice/src/Program.cs"), Some("svc"));
    assert_eq!(map.service_of("src/cartservice"), None);
    assert_eq!(map.service_of("lib/src/cartservice/x.cs"), None);
    // Without the trailing slash, a tree URL is still a directory.
    let map = single("url:https://github.com/org/repo/tree/main/src/cartservice");
    assert_eq!(map.pattern_of("src/cartservice/x"), Some("/src/cartservice/"));
}

#[test]
fn github_blob_url_is_a_file_or_directory() {
    let map = single("url:https://github.com/org/repo/blob/main/services/cart");
    assert!(map.warnings().is_empty(), "{:?}", map.warnings());
    assert_eq!(map.pattern_of("services/cart"), Some("/services/cart"));
    assert_eq!(map.service_of("services/cart/main.go"), Some("svc"));
    assert_eq!(map.service_of("services/cartography/main.go"), None);
    let map = single("url:https://github.com/org/repo/blob/main/services/cart/");
    assert_eq!(map.pattern_of("services/cart/x"), Some("/services/cart/"));
}

#[test]
fn single_segment_locations_are_anchored() {
    let map = single("url:https://github.com/org/repo/tree/main/cart/");
    assert_eq!(map.service_of("cart/x"), Some("svc"));
    assert_eq!(map.service_of("other/cart/x"), None);
}

#[test]
fn dir_locations_are_relative_directories() {
    for location in ["dir:./services/cart", "dir:services/cart/", "dir:./services/./cart/"] {
        let map = single(location);
        assert!(map.warnings().is_empty(), "{location}: {:?}", map.warnings());
        assert_eq!(map.pattern_of("services/cart/x"), Some("/services/cart/"), "{location}");
    }
}

#[test]
fn other_hosts_queries_and_escapes() {
    let cases = [
        ("url:https://gitlab.com/group/sub/repo/-/tree/main/svc/cart", "/svc/cart/"),
        ("url:https://gitlab.com/group/repo/-/blob/main/svc/cart", "/svc/cart"),
        ("url:https://bitbucket.org/org/repo/src/main/svc/cart/", "/svc/cart/"),
        // A folder named `blob` or `tree` in a Bitbucket path is a folder
        // (a red-team finding: read as GitHub's marker).
        ("url:https://bitbucket.org/acme/shop/src/main/services/blob/", "/services/blob/"),
        ("url:https://bitbucket.org/acme/shop/src/main/services/tree/api/", "/services/tree/api/"),
        ("url:https://ghe.example.com/org/repo/tree/release-1.2/svc/cart?plain=1#readme", "/svc/cart/"),
        ("url:https://github.com/org/repo/tree/main/my%20service/", "/my\\ service/"),
        ("url:https://github.com/org/repo/tree/main/weird*[x]{y}/", "/weird\\*\\[x\\]\\{y\\}/"),
        ("  url:https://github.com/org/tree/tree/main/a/tree/b  ", "/a/tree/b/"),
    ];
    for (location, pattern) in cases {
        let map = single(location);
        assert!(map.warnings().is_empty(), "{location}: {:?}", map.warnings());
        assert_eq!(map.rule_count(), 1, "{location}");
        let probe = pattern.trim_start_matches('/').replace('\\', "");
        let probe = format!("{}/file", probe.trim_end_matches('/'));
        assert_eq!(map.pattern_of(&probe), Some(pattern), "{location}");
        assert_eq!(map.service_of(&probe), Some("svc"), "{location}");
    }
}

#[test]
fn unusable_locations_are_skipped_with_a_warning() {
    let cases = [
        ("url:https://github.com/org/repo/tree/main/", "repository root"),
        ("url:https://github.com/org/repo/tree/main", "repository root"),
        ("url:https://github.com/org/repo", "repository root"),
        ("url:https://github.com/org/repo/", "repository root"),
        ("dir:.", "repository root"),
        ("dir:./", "repository root"),
        ("dir:../shared/lib", "`..`"),
        ("dir:/srv/app", "absolute directory"),
        ("url:https://github.com/org/repo/tree/main/../../etc", "`..`"),
        ("url:https://github.com/org/repo/tree/main/a%2F..%2F..%2Fetc", "`..`"),
        ("url:github.com/org/repo/tree/main/x", "not an absolute URL"),
        ("url:https://example.com/org/repo/browse/x", "cannot find the path"),
        ("file:./x", "not a `url:` or `dir:` location"),
        ("", "not a `url:` or `dir:` location"),
    ];
    for (location, reason) in cases {
        let map = single(location);
        assert_eq!(map.rule_count(), 0, "{location}");
        assert_eq!(map.services().count(), 0, "{location}");
        assert_eq!(map.warnings().len(), 1, "{location}: {:?}", map.warnings());
        let warning = &map.warnings()[0];
        assert!(warning.starts_with("service `svc`: source location"), "{warning}");
        assert!(warning.contains(reason) && warning.ends_with("skipped"), "{location}: {warning}");
        assert_eq!(map.service_of("x"), None);
    }
}

#[test]
fn invalid_service_ids_are_skipped_with_a_warning() {
    let map = ServiceMap::from_source_locations([("", "dir:./a"), ("ok", "dir:./b")]);
    assert_eq!(map.rule_count(), 1);
    assert_eq!(map.warnings().len(), 1);
    assert!(map.warnings()[0].contains("invalid service id"), "{:?}", map.warnings());
    assert_eq!(map.services().collect::<Vec<_>>(), ["ok"]);
}

#[test]
fn deepest_location_wins_whatever_the_order() {
    let locations = [
        ("cart-store", "url:https://github.com/o/r/tree/main/src/cart/store/"),
        ("cart", "url:https://github.com/o/r/tree/main/src/cart/"),
        ("platform", "dir:./src"),
    ];
    for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2]] {
        let map = ServiceMap::from_source_locations(order.map(|i| locations[i]));
        assert!(map.warnings().is_empty(), "{:?}", map.warnings());
        assert_eq!(map.service_of("src/cart/store/redis.go"), Some("cart-store"));
        assert_eq!(map.service_of("src/cart/main.go"), Some("cart"));
        assert_eq!(map.service_of("src/pay/main.go"), Some("platform"));
        assert_eq!(map.service_of("docs/x.md"), None);
    }
}

/// Services at one location (every entity of a `catalog-info.yaml`
/// commonly shares its annotation) all own what it places, whatever the
/// order of their ids and however the location is spelled (a determinism
/// audit: the id sorting last took the path, so a tier-0 service's change
/// counted for a tier-3 status page and was `auto`). A deeper location
/// still wins.
#[test]
fn same_location_twice_warns_and_both_own_it() {
    let a = ("a", "dir:./svc");
    let b = ("b", "url:https://github.com/o/r/tree/main/svc");
    let c = ("c", "url:https://github.com/o/r/blob/main/svc");
    let deeper = ("d", "url:https://github.com/o/r/tree/main/svc/inner/");
    for order in [[a, b, c, deeper], [deeper, c, b, a], [b, deeper, a, c]] {
        let map = ServiceMap::from_source_locations(order);
        assert_eq!(map.services_of("svc/x"), ["a", "b", "c"]);
        assert_eq!(map.services_of("svc/inner/x"), ["d"]);
        assert_eq!(map.services_of("other/x"), Vec::<&str>::new());
        assert_eq!(map.warnings().len(), 1, "{:?}", map.warnings());
        assert!(
            map.warnings()[0].contains("services `a`, `b`, `c` have the same source location `/svc`"),
            "{:?}",
            map.warnings()
        );
    }
    // The same service twice is no conflict.
    let map = ServiceMap::from_source_locations([("a", "dir:./svc"), ("a", "dir:svc/")]);
    assert!(map.warnings().is_empty());
    assert_eq!(map.services().collect::<Vec<_>>(), ["a"]);
    assert_eq!(map.services_of("svc/x"), ["a"]);
    // A warning names at most 20 services, then counts the rest.
    let many: Vec<(String, &str)> = (0..25).map(|i| (format!("s{i:02}"), "dir:./svc")).collect();
    let map = ServiceMap::from_source_locations(many.iter().map(|(s, l)| (s.as_str(), *l)));
    assert_eq!(map.services_of("svc/x").len(), 25);
    assert!(map.warnings()[0].contains("`s19` and 5 more have"), "{:?}", map.warnings());
}

#[test]
fn online_boutique_from_source_locations() {
    // What a Backstage catalog of Online Boutique would annotate.
    let named: Vec<(String, String)> = online_boutique()
        .services()
        .map(|s| {
            (s.to_owned(), format!("url:https://github.com/GoogleCloudPlatform/microservices-demo/tree/main/src/{s}/"))
        })
        .collect();
    let map = ServiceMap::from_source_locations(named.iter().map(|(s, l)| (s.as_str(), l.as_str())));
    assert!(map.warnings().is_empty());
    let parsed = online_boutique();
    for path in files().iter().filter(|p| p.starts_with("src/")) {
        assert_eq!(map.service_of(path), parsed.service_of(path), "{path}");
    }
}

// --- No panics on any input. ---

proptest::proptest! {
    #[test]
    fn service_map_no_panic_on_raw_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        if let Ok(map) = ServiceMap::parse("fuzz", &bytes) {
            let _ = map.service_of("a/b/c.go");
        }
    }

    #[test]
    fn source_locations_no_panic(
        locations in proptest::collection::vec(("[a-z]{0,4}", "(url:|dir:)?[-a-z/.:%*?#\\[\\]{}0-9A-F ]{0,40}"), 0..8),
        path in "[-a-z/.]{0,24}",
    ) {
        let map = ServiceMap::from_source_locations(locations.iter().map(|(s, l)| (s.as_str(), l.as_str())));
        let _ = map.service_of(&path);
    }
}

/// Regression: hostile wildcard patterns took seconds and gigabytes to
/// compile.
#[test]
fn hostile_wildcard_patterns_fail_fast() {
    let hostile: String = (0..500).map(|i| format!("{}{} payments\n", "*?".repeat(1990), i % 10)).collect();
    let started = std::time::Instant::now();
    let err = ServiceMap::parse("services.map", hostile.as_bytes()).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(err.kind_name(), "limit_exceeded");
    let message = err.to_string();
    assert!(message.contains("services.map: line 1") && message.contains("max_pattern_wildcards"), "{message}");
    let at_limit = format!("src/{} payments\n", "*".repeat(MAX_PATTERN_WILDCARDS));
    assert!(ServiceMap::parse("services.map", at_limit.as_bytes()).is_ok());
}

/// A skipped source location is quoted without the user and password a
/// pasted clone URL carries (red team 18: the token reached every output
/// format through the warning).
#[test]
fn a_skipped_location_is_quoted_without_credentials() {
    let map = ServiceMap::from_source_locations([
        ("payments", "url:https://alice:ZQXSECRET@github.com/acme/payments/tree/main/"),
        ("blog", "file:https://bob:ZQXSECRET@github.com/acme/blog?token=ZQXSECRET"),
    ]);
    assert_eq!(map.warnings().len(), 2, "{:?}", map.warnings());
    for w in map.warnings() {
        assert!(!w.contains("ZQX") && w.contains("…@github.com/acme/"), "{w}");
    }
}
