//! A whole assessment against a naive reference, on a small graph and a
//! change decoded from arbitrary bytes. Shared by the `assess_reference`
//! fuzz target and the regression replay test
//! (`crates/blastgate/tests/fuzz_regressions.rs` includes this file), so
//! both check exactly the same thing; the includer also includes
//! `reference.rs` as `reference`, whose naive radius this uses.
//!
//! Bytes: `n = 2 + b0 % 30` nodes `n00..`, each with a tier from one byte
//! (`% 5`; 4 means none stated); `k = 1 + b1 % 3` changed services from the
//! next `k` bytes; one byte each for lines added (`x 13`), the author's
//! seniority, AI involvement and flags (rollback plan, tests, fix, a
//! destructive resource on the first changed service); then edges from
//! 3-byte chunks `(a, b, p)`: `a` depends on `b` with probability `p / 255`
//! (self-loops and repeated pairs skipped).
//!
//! The reference, written for clarity: plain BFS over dependents for the
//! affected set and distances, Bellman-Ford with max-product for the
//! probabilities, the impact as the changed nodes' tier weights plus the
//! sum of probability x tier weight, the log-odds as the sum of the
//! reported factors (the policy's intercept and weights x values), the depth as the
//! policy's matrix at the bands of those numbers raised by the fired rules
//! and, with an error, to the error depth; deleting a resource something
//! depends on is at least `senior` (and nothing else fires that rule), and `critical-reach` never fires without a tier-0 node
//! in reach. Assessing twice gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use blastgate::assess::{Engine, Level, Policy, ReviewDepth, default_policy, to_json};
use blastgate::change::parse_changeset;
use blastgate::context::{Context, Timestamp};
use blastgate::graph::GraphLoader;

/// Relative closeness, for sums the engine and the reference add in other
/// orders and that the report rounds to six decimals.
fn close(a: f64, b: f64, what: &str) {
    let tolerance = 1e-5 * a.abs().max(b.abs()).max(1.0);
    assert!((a - b).abs() <= tolerance, "{what}: engine {a} vs reference {b}");
}

/// The default policy, parsed once.
fn policy() -> Policy {
    static POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    POLICY.get_or_init(|| default_policy().expect("the default policy")).clone()
}

pub fn check(data: &[u8]) {
    let (Some(&b0), Some(&b1)) = (data.first(), data.get(1)) else { return };
    let n = 2 + usize::from(b0) % 30;
    let k = 1 + usize::from(b1) % 3;
    let Some(head) = data.get(2..2 + n + k + 4) else { return };
    let (tier_bytes, rest) = head.split_at(n);
    let (changed_bytes, change_bytes) = rest.split_at(k);
    let name = |i: usize| format!("n{i:02}");
    let tiers: Vec<Option<u8>> = tier_bytes.iter().map(|&b| (b % 5 < 4).then_some(b % 5)).collect();
    let changed: BTreeSet<usize> = changed_bytes.iter().map(|&b| usize::from(b) % n).collect();
    let mut edges: BTreeMap<(usize, usize), u8> = BTreeMap::new();
    for chunk in data.get(2 + n + k + 4..).unwrap_or_default().chunks_exact(3) {
        let (a, b) = (usize::from(chunk[0]) % n, usize::from(chunk[1]) % n);
        if a != b {
            edges.entry((a, b)).or_insert(chunk[2]);
        }
    }

    // The graph: nodes in a native document, edges as an edge list.
    let mut yaml = String::from("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n");
    for (i, tier) in tiers.iter().enumerate() {
        match tier {
            Some(t) => yaml += &format!("  - {{id: {}, tier: {t}}}\n", name(i)),
            None => yaml += &format!("  - {{id: {}}}\n", name(i)),
        }
    }
    let mut list = String::new();
    for (&(a, b), &p) in &edges {
        list += &format!("{} {} {}\n", name(a), name(b), f64::from(p) / 255.0);
    }
    let mut loader = GraphLoader::default();
    loader.add_bytes("nodes.yaml", yaml.as_bytes(), None).expect("nodes load");
    // An empty input is refused on its own (an overlay that arrived
    // empty): a graph without edges has no edge list.
    if !list.is_empty() {
        loader.add_bytes("edges.edges", list.as_bytes(), None).expect("edges load");
    }
    let engine = Engine::new(loader.build().expect("builds").freeze(), policy()).expect("an engine");
    let graph = engine.graph();
    let index = |i: usize| graph.index_of(&name(i)).expect("every node is in the graph");
    let weight = |a: usize, b: usize| -> f64 {
        let w = graph.dependency(index(a), index(b)).expect("edge").probability().get();
        f64::from(w as f32)
    };

    // The change.
    let [lines, seniority, ai, flags] = [change_bytes[0], change_bytes[1], change_bytes[2], change_bytes[3]];
    let first = *changed.iter().next().expect("at least one changed node");
    let services: Vec<String> = changed.iter().map(|&c| format!("\"{}\"", name(c))).collect();
    let seniority = ["junior", "mid", "senior", "staff"]
        .get(usize::from(seniority % 5))
        .map(|s| format!(", \"seniority\": \"{s}\""));
    let ai = ["none", "assisted", "generated", "agent"][usize::from(ai % 4)];
    let flag = |bit: u8| if flags & bit != 0 { "true" } else { "false" };
    let destroy = if flags & 8 != 0 {
        format!(
            ", \"infrastructure\": [{{\"address\": \"aws_instance.main\", \"action\": \"delete\", \"node\": \"{}\"}}]",
            name(first)
        )
    } else {
        String::new()
    };
    let change = format!(
        r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "fuzz",
            "author": {{"id": "a"{}}}, "provenance": {{"ai": "{ai}"}},
            "services": [{}],
            "files": [{{"path": "src/main.go", "added": {}, "deleted": 2, "service": "{}"}}],
            "safety": {{"rollback_plan": {}, "tests_changed": {}}}, "fix": {}{destroy}}}"#,
        seniority.unwrap_or_default(),
        services.join(", "),
        u32::from(lines) * 13,
        name(first),
        flag(1),
        flag(2),
        flag(4),
    );
    let change = parse_changeset("fuzz.json", change.as_bytes()).expect("the decoded change is valid");
    let context = Context::new(Timestamp::parse("2026-11-27T10:00:00Z").expect("a time"));
    let policy = engine.policy().clone();
    let a = engine.assess(&change, &context);

    // Deterministic: the same bytes again.
    assert_eq!(to_json(&a), to_json(&engine.assess(&change, &context)), "assessing twice");

    let (dist, prob) = super::reference::naive(n, &changed, &edges, weight);
    let affected: Vec<usize> = (0..n).filter(|&i| dist[i].is_some() && !changed.contains(&i)).collect();

    // The blast radius.
    let r = &a.blast_radius;
    assert_eq!(r.affected_count, affected.len(), "affected count");
    assert_eq!(r.affected.len() + r.affected_not_listed, r.affected_count, "listed plus not listed");
    for listed in &r.affected {
        let i: usize = listed.service[1..].parse().expect("n<i>");
        assert_eq!(Some(listed.distance), dist[i], "distance of {}", listed.service);
        close(listed.probability, prob[i], &format!("probability of {}", listed.service));
    }
    let tier_weight = |i: usize| policy.tiers.weights[usize::from(tiers[i].unwrap_or(2))];
    // Listed: the most critical (weight x probability) first, and none left
    // out more critical than one listed; the rollout watches the first ten.
    let score = |service: &str| {
        let i: usize = service[1..].parse().expect("n<i>");
        prob[i] * tier_weight(i)
    };
    let slack = |x: f64| 1e-9 * x.abs().max(1.0);
    for pair in r.affected.windows(2) {
        let (a, b) = (score(&pair[0].service), score(&pair[1].service));
        assert!(a >= b - slack(a), "listed in order: {} before {}", pair[0].service, pair[1].service);
    }
    if let Some(last) = r.affected.last() {
        let floor = score(&last.service);
        for &i in &affected {
            let id = name(i);
            if !r.affected.iter().any(|l| l.service == id) {
                assert!(prob[i] * tier_weight(i) <= floor + slack(floor), "{id} left out before {}", last.service);
            }
        }
    }
    // The rollout watches the changed nodes first (the most critical first,
    // at most five), then the most critical listed nodes, ten in all.
    let mut own_first: Vec<usize> = changed.iter().copied().collect();
    own_first.sort_by(|&x, &y| tier_weight(y).total_cmp(&tier_weight(x)).then_with(|| name(x).cmp(&name(y))));
    let deployed: Vec<String> = own_first.iter().take(5).map(|&i| name(i)).collect();
    let watched: Vec<&str> = a.rollout.watch.iter().map(|w| w.service.as_str()).collect();
    assert_eq!(watched[..deployed.len()], deployed.iter().map(String::as_str).collect::<Vec<_>>()[..]);
    assert!(a.rollout.watch[..deployed.len()].iter().all(|w| w.probability.total_cmp(&1.0).is_eq()));
    let rest = &watched[deployed.len()..];
    let listed: Vec<&str> = r.affected.iter().take(rest.len()).map(|l| l.service.as_str()).collect();
    assert_eq!(rest, listed, "the rollout watches the most critical listed nodes");
    assert!(watched.len() <= 10 && (watched.len() == 10 || rest.len() == r.affected.len().min(10 - deployed.len())));
    let weighted: f64 = affected.iter().map(|&i| prob[i] * tier_weight(i)).sum();
    close(r.weighted_impact, weighted, "weighted impact");
    let own: f64 = changed.iter().map(|&i| tier_weight(i)).sum();
    close(a.risk.impact, own + weighted, "impact");

    // The likelihood.
    // Every factor is the intercept (value 1) or a policy weight times the
    // feature's value, and they add up to the log-odds.
    let log_odds: f64 = a.factors.iter().map(|f| f.weight * f.value).sum();
    close(a.risk.log_odds, log_odds, "log-odds");
    let likelihood = 1.0 / (1.0 + (-a.risk.log_odds).exp());
    close(a.risk.likelihood, likelihood, "likelihood");
    for f in &a.factors {
        let weight =
            if f.id == "intercept" { Some(&policy.likelihood.intercept) } else { policy.likelihood.weights.get(&f.id) };
        assert_eq!(weight, Some(&f.weight), "factor {} weight", f.id);
    }
    assert_eq!(a.factors.iter().filter(|f| f.id == "intercept").count(), 1, "one intercept");

    // The decision.
    let band = |cuts: &[f64; 3], x: f64| cuts.iter().filter(|c| x >= **c).count();
    let near = |cuts: &[f64; 3], x: f64| cuts.iter().any(|c| (c - x).abs() <= 1e-5 * c.max(1.0));
    let lband = band(&policy.bands.likelihood, a.risk.likelihood);
    let iband = band(&policy.bands.impact, a.risk.impact);
    if !near(&policy.bands.likelihood, a.risk.likelihood) && !near(&policy.bands.impact, a.risk.impact) {
        assert_eq!(a.decision.matrix_depth, policy.matrix[lband][iband], "matrix depth");
    }
    let mut depth = a.decision.matrix_depth;
    for fired in &a.rules {
        let rule = policy.rules.iter().find(|p| p.id == fired.id).expect("a fired rule is in the policy");
        assert!(rule.enabled && rule.min_depth == fired.min_depth, "rule {} as in the policy", fired.id);
        depth = depth.max(rule.min_depth);
    }
    if a.diagnostics.iter().any(|d| d.level == Level::Error) {
        depth = depth.max(policy.error_depth);
    }
    assert_eq!(a.review_depth(), depth, "review depth; summary: {}", a.decision.summary);

    // Two rules the reference can decide by itself.
    let fired = |id: &str| a.rules.iter().any(|r| r.id == id);
    // Something depends on the destroyed resource's node, or its users
    // reach it directly (tier 0; no node here is a journey or user-facing).
    let depended_on = edges.keys().any(|&(_, y)| y == first) || tiers[first] == Some(0);
    if flags & 8 != 0 && depended_on {
        assert!(a.review_depth() >= ReviewDepth::Senior, "a destroyed resource something depends on: at least senior");
    }
    if flags & 8 == 0 || !depended_on {
        assert!(!fired("destructive-infrastructure"), "destructive-infrastructure without a depended-on deletion");
    }
    let critical = affected.iter().chain(&changed).any(|&i| tiers[i] == Some(0));
    let rule_on = policy.rules.iter().any(|r| r.id == "critical-reach" && r.enabled);
    if rule_on && !critical {
        assert!(!fired("critical-reach"), "critical-reach without a tier-0 node in reach");
    }
}
