//! Digests of the inputs, so that an assessment names exactly what it
//! decided on: SHA-256 of everything, with the graph by its BLAKE3 digest
//! (a large graph is tens of megabytes to hash on every start).
//!
//! The graph is hashed in a canonical form (nodes by id, each with its
//! attributes and its dependencies by their position in id order), so the
//! order of source files or of lines within them does not matter; it is
//! hashed in fixed chunks on rayon's threads, then the chunks' digests. Documents are hashed as JSON with
//! sorted keys, and the lists whose order carries no meaning (files,
//! services, resources, labels, contributors, the types a file declares or
//! removes and the guards it turns off, incidents, budgets, freezes, changes
//! in flight, rules) are sorted first.

use blastgate_change::Changeset;
use blastgate_graph::FrozenGraph;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{AssessOptions, Engine};
use crate::context::Context;

/// Nodes per chunk of the graph digest: each chunk is hashed on its own
/// (in parallel), then the chunks' digests in order. The chunking is fixed,
/// so the digest does not depend on the number of threads.
const DIGEST_CHUNK: usize = 1 << 15;

/// The digest of a graph's canonical form: `blake3:` and 64 hex digits.
///
/// Canonical form (version 4): the nodes in id order, in chunks of 32,768;
/// each chunk hashed on its own with BLAKE3 (in parallel), then the
/// chunks' digests in order. A chunk is three parts:
///
/// 1. the nodes, column by column: each node's id length (u32), then the
///    ids' bytes one after another, then four bytes a node (kind, tier,
///    user-facing, a byte saying which of owner, system, traffic and
///    labels it states), then what the nodes state of those, node by node
///    (strings as a u32 length and their bytes, traffic as f64 bits,
///    labels as a u32 count and each key and value), then each node's
///    number of dependents (u32);
/// 2. the dependents of those nodes, row after row, each as its position
///    in id order (u32, little-endian);
/// 3. the edges whose attributes are not those an edge list gives (hard,
///    the default kind for the dependency, the default probability for
///    those, no observation): each as its number within the chunk (u32),
///    kind, strength, probability (f64 bits) and observation.
///
/// Attributes are compared by their effective values, so a graph hashes
/// the same however it is stored. Part 2 of a graph numbered in id order
/// is its reverse adjacency as it is in memory, hashed without a copy (the
/// reverse rows, not the forward ones: a graph read from a snapshot makes
/// its forward rows only when something needs them, and the digest of a
/// plain graph does not).
pub fn graph_digest(graph: &FrozenGraph) -> String {
    let n = u32::try_from(graph.node_count()).unwrap_or(u32::MAX);
    // The node at each position in id order (the identity for graphs from
    // the builder and from snapshots, which number nodes in id order).
    let identity = graph.numbered_in_id_order();
    let order: Vec<u32> = if identity {
        Vec::new()
    } else {
        let mut order = vec![0; n as usize];
        for i in 0..n {
            if let Some(slot) = graph.id_rank(i).and_then(|r| order.get_mut(r as usize)) {
                *slot = i;
            }
        }
        order
    };
    let chunks: Vec<[u8; 32]> = (0..n.div_ceil(DIGEST_CHUNK as u32))
        .into_par_iter()
        .map(|c| {
            let first = c * DIGEST_CHUNK as u32;
            let end = first.saturating_add(DIGEST_CHUNK as u32).min(n);
            let nodes: Vec<u32> = if identity {
                (first..end).collect()
            } else {
                order.get(first as usize..end as usize).unwrap_or_default().to_vec()
            };
            hash_chunk(graph, &nodes, identity)
        })
        .collect();
    let mut h = blake3::Hasher::new();
    h.update(b"blastgate-graph-v4\0");
    h.update(&u64::from(n).to_le_bytes());
    h.update(&(graph.edge_count() as u64).to_le_bytes());
    for c in &chunks {
        h.update(c);
    }
    hex("blake3:", h.finalize().as_bytes())
}

/// The BLAKE3 digest of a chunk: `nodes` are consecutive positions in id
/// order (dense ids when `identity`).
fn hash_chunk(graph: &FrozenGraph, nodes: &[u32], identity: bool) -> [u8; 32] {
    const FLUSH: usize = 1 << 16;
    let mut h = blake3::Hasher::new();
    let mut buf: Vec<u8> = Vec::with_capacity(FLUSH + 4096);
    let string = |buf: &mut Vec<u8>, s: &str| {
        buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
        buf.extend_from_slice(s.as_bytes());
    };
    // 1. The nodes, column by column: a pass a node, each column written
    // in its own buffer (a record a node, with its small writes, took
    // three quarters of the digest).
    let len = nodes.len();
    let (mut lengths, mut columns, mut counts) =
        (Vec::with_capacity(len * 4), Vec::with_capacity(len * 4), Vec::with_capacity(len * 4));
    let mut extras: Vec<u8> = Vec::new();
    let contiguous = match (identity, nodes.first(), nodes.last()) {
        (true, Some(&first), Some(&last)) => graph.ids_of_range(first, last + 1),
        _ => None,
    };
    let mut ids: Vec<u8> = Vec::new();
    for &i in nodes {
        let Some(node) = graph.node(i) else { continue };
        let id = node.id();
        lengths.extend_from_slice(&(id.len() as u32).to_le_bytes());
        if contiguous.is_none() {
            ids.extend_from_slice(id.as_bytes());
        }
        let labels = node.labels();
        let stated = u8::from(node.owner().is_some())
            | u8::from(node.system().is_some()) << 1
            | u8::from(node.traffic().is_some()) << 2
            | u8::from(!labels.is_empty()) << 3;
        columns.extend_from_slice(&[
            node.kind() as u8,
            node.tier().map_or(255, |t| t.level()),
            node.user_facing().map_or(2, u8::from),
            stated,
        ]);
        if stated != 0 {
            if let Some(o) = node.owner() {
                string(&mut extras, o);
            }
            if let Some(s) = node.system() {
                string(&mut extras, s);
            }
            if let Some(t) = node.traffic() {
                extras.extend_from_slice(&t.get().to_bits().to_le_bytes());
            }
            if !labels.is_empty() {
                extras.extend_from_slice(&(labels.len() as u32).to_le_bytes());
                for (k, v) in labels {
                    string(&mut extras, k);
                    string(&mut extras, v);
                }
            }
        }
        counts.extend_from_slice(&(graph.dependents_of(i).len() as u32).to_le_bytes());
    }
    h.update(&lengths);
    h.update(contiguous.map_or(ids.as_slice(), str::as_bytes));
    h.update(&columns);
    h.update(&extras);
    h.update(&counts);
    // 2. The dependents, by position in id order.
    match (identity, nodes.first(), nodes.last()) {
        (true, Some(&first), Some(&last)) if cfg!(target_endian = "little") => {
            h.update(bytemuck::cast_slice::<u32, u8>(graph.dependents_of_range(first, last + 1)));
        }
        _ => {
            for &i in nodes {
                let mut row: Vec<u32> = graph
                    .dependents_of(i)
                    .iter()
                    .map(|&from| if identity { from } else { graph.id_rank(from).unwrap_or(u32::MAX) })
                    .collect();
                // Ascending by position in id order, as in a graph numbered
                // that way.
                row.sort_unstable();
                for rank in row {
                    buf.extend_from_slice(&rank.to_le_bytes());
                }
                if buf.len() >= FLUSH {
                    h.update(&buf);
                    buf.clear();
                }
            }
            h.update(&buf);
            buf.clear();
        }
    }
    // 3. The edges with attributes of their own (none in a plain graph).
    if !graph.edges_are_plain() {
        let mut e: u32 = 0;
        for &i in nodes {
            for (to, d) in graph.dependencies_with_attributes(i) {
                let kind = blastgate_graph::default_edge_kind(graph.node_kind(to));
                let hard = blastgate_graph::Strength::Hard;
                let plain = d.kind() == kind
                    && d.strength() == hard
                    && d.observation().is_none()
                    && d.probability().get().to_bits()
                        == blastgate_graph::Probability::default_for(kind, hard).get().to_bits();
                if !plain {
                    buf.extend_from_slice(&e.to_le_bytes());
                    buf.push(d.kind() as u8);
                    buf.push(d.strength() as u8);
                    buf.extend_from_slice(&d.probability().get().to_bits().to_le_bytes());
                    match d.observation() {
                        Some(o) => {
                            buf.push(1);
                            buf.extend_from_slice(&o.calls.to_le_bytes());
                            buf.extend_from_slice(&o.errors.to_le_bytes());
                        }
                        None => buf.push(0),
                    }
                }
                e = e.wrapping_add(1);
            }
            if buf.len() >= FLUSH {
                h.update(&buf);
                buf.clear();
            }
        }
        h.update(&buf);
    }
    *h.finalize().as_bytes()
}

/// The digest of everything an assessment depends on.
pub(crate) fn input_digest(
    engine: &Engine,
    changeset: &Changeset,
    context: &Context,
    options: &AssessOptions<'_>,
) -> String {
    let mut h = Sha256::new();
    h.update(b"blastgate-input-v1\0");
    h.update(engine.graph_digest().as_bytes());
    for (name, bytes) in [
        (
            "changeset",
            canonical_with(
                changeset,
                &[
                    "services",
                    "files",
                    "infrastructure",
                    "labels",
                    "contributors",
                    "infrastructure.*.replace_paths",
                    "files.*.declares",
                    "files.*.removes",
                    "files.*.unguards",
                ],
                normalize_deploy_at,
            ),
        ),
        (
            "context",
            canonical(
                context,
                &[
                    "incidents",
                    "error_budgets",
                    "freezes",
                    "in_flight",
                    "people",
                    "people.*.aliases",
                    "freezes.*.scope.services",
                    "freezes.*.scope.tiers",
                    "freezes.*.allow",
                    "in_flight.*.services",
                ],
            ),
        ),
    ] {
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    h.update(b"policy");
    h.update((engine.policy_canonical.len() as u64).to_le_bytes());
    h.update(&engine.policy_canonical);
    h.update(b"mapping");
    h.update(options.mapping_digest.as_bytes());
    h.update([u8::from(options.allow_unknown_services)]);
    // Appended only when set, so that digests made before the option
    // existed (and every changeset from a file) stay as they were.
    if options.history_measured {
        h.update(b"history-measured");
    }
    // Likewise, and only when it counts for something: a file the reader
    // found keeping all it declared.
    if options.files_read && changeset.files.iter().any(|f| f.declares_read) {
        h.update(b"files-read");
    }
    // Likewise: the instant the context stated, when it was assessed as of
    // another (a red-team finding: a month-old context and a fresh one,
    // assessed at one --now, shared a digest).
    if let Some(stated) = options.context_stated_now.filter(|&t| t != context.now()) {
        h.update(b"context-stated-now");
        h.update(stated.to_string().as_bytes());
    }
    hex("sha256:", &h.finalize())
}

/// The policy's part of the input digest: its canonical JSON (rules in
/// any order hash alike). The engine makes it once.
pub(crate) fn policy_canonical(policy: &crate::policy::Policy) -> Vec<u8> {
    canonical(policy, &["rule", "rule.*.node_kinds", "rule.*.allow"])
}

/// `sha256:` and the hex SHA-256 of `canonical`, a policy's canonical
/// JSON ([`policy_canonical`]).
pub(crate) fn policy_digest_of(canonical: &[u8]) -> String {
    hex("sha256:", &Sha256::digest(canonical))
}

/// JSON with the arrays at the listed paths sorted by their elements'
/// JSON. A path is keys separated by dots, `*` standing for every element
/// of an array (`freezes.*.allow`: the `allow` list of every freeze).
/// Nested lists are sorted before the lists that hold them, whatever the
/// order of `unordered`, since an element's JSON is its sort key. A value
/// that cannot be serialised hashes as its error message, which still
/// differs from any valid document.
fn canonical<T: Serialize>(value: &T, unordered: &[&str]) -> Vec<u8> {
    canonical_with(value, unordered, |_| {})
}

/// [`canonical`], with `patch` applied to the JSON value first.
fn canonical_with<T: Serialize>(value: &T, unordered: &[&str], patch: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v = match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => return format!("unserialisable: {e}").into_bytes(),
    };
    patch(&mut v);
    let mut paths: Vec<Vec<&str>> = unordered.iter().map(|p| p.split('.').collect()).collect();
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for path in &paths {
        sort_at(&mut v, path);
    }
    v.to_string().into_bytes()
}

/// A changeset's `deploy_at` as the instant it names, in UTC
/// (`2026-11-27T12:30:00+02:00` hashes as `2026-11-27T10:30:00Z`): the
/// engine reads the instant, so spellings of one instant hash alike, as
/// the context's times do. A text that is no time is hashed as written
/// (the assessment then carries an error).
fn normalize_deploy_at(changeset: &mut serde_json::Value) {
    if let Some(at) = changeset.get_mut("deploy_at")
        && let Some(t) = at.as_str().and_then(|s| crate::context::Timestamp::parse(s).ok())
    {
        *at = serde_json::Value::String(t.to_string());
    }
    // The repository as it is compared (`repository_key`): a clone URL's
    // token, which changes every CI job, and its spelling change nothing.
    if let Some(repository) = changeset.get_mut("repository")
        && let Some(key) = repository.as_str().and_then(blastgate_change::repository_key)
    {
        *repository = serde_json::Value::String(key);
    }
}

/// Sorts the array at `path` under `value` (see [`canonical`]). Iterative
/// over the path, with a stack of the values still to descend into.
fn sort_at(value: &mut serde_json::Value, path: &[&str]) {
    let mut stack: Vec<(&mut serde_json::Value, &[&str])> = vec![(value, path)];
    while let Some((v, path)) = stack.pop() {
        match (path, v) {
            ([], serde_json::Value::Array(items)) => {
                let mut keyed: Vec<(String, serde_json::Value)> =
                    items.drain(..).map(|item| (item.to_string(), item)).collect();
                keyed.sort_by(|a, b| a.0.cmp(&b.0));
                items.extend(keyed.into_iter().map(|(_, item)| item));
            }
            (["*", rest @ ..], serde_json::Value::Array(items)) => {
                stack.extend(items.iter_mut().map(|item| (item, rest)));
            }
            ([key, rest @ ..], serde_json::Value::Object(map)) => {
                if let Some(inner) = map.get_mut(*key) {
                    stack.push((inner, rest));
                }
            }
            _ => {}
        }
    }
}

fn hex(prefix: &str, bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(prefix.len() + 2 * bytes.len());
    s.push_str(prefix);
    for b in bytes {
        for nibble in [b >> 4, b & 15] {
            if let Some(&d) = DIGITS.get(usize::from(nibble)) {
                s.push(char::from(d));
            }
        }
    }
    s
}

/// The digest of some byte strings (each length-prefixed): for inputs the
/// engine does not see itself, such as the CODEOWNERS file behind a path
/// mapping.
pub fn digest_of(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex("sha256:", &h.finalize())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code: a panic is a failed test")]

    use blastgate_graph::{
        BuildOptions, EdgeKind, EdgeSpec, GraphBuilder, GraphFragment, Observation, Origin, Probability, Strength,
    };

    use super::{canonical, graph_digest};

    /// A graph of `n` nodes named in a scrambled order, each depending on
    /// the next: more than one digest chunk.
    fn graph(n: u32, reversed: bool) -> blastgate_graph::FrozenGraph {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let order: Vec<u32> = if reversed { (0..n).rev().collect() } else { (0..n).collect() };
        for &i in &order {
            let a = f.node(&format!("s{}", (i * 7919) % n), String::new).unwrap();
            let b = f.node(&format!("s{}", (i * 7919 + 1) % n), String::new).unwrap();
            f.edge(a, b, EdgeSpec::default()).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        builder.build().unwrap().freeze()
    }

    /// `a -> b -> c`, the first edge with `spec`.
    fn small(spec: EdgeSpec) -> blastgate_graph::FrozenGraph {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let (a, b, c) =
            (f.node("a", String::new).unwrap(), f.node("b", String::new).unwrap(), f.node("c", String::new).unwrap());
        f.edge(a, b, spec).unwrap();
        f.edge(b, c, EdgeSpec::default()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        builder.build().unwrap().freeze()
    }

    #[test]
    fn the_digest_compares_effective_attributes_not_storage() {
        let plain = small(EdgeSpec::default());
        assert!(plain.edges_are_plain());
        // Stating what an edge list implies stores attributes per edge,
        // and hashes the same.
        let default = Probability::default_for(EdgeKind::Sync, Strength::Hard);
        let stated = small(EdgeSpec {
            kind: Some(EdgeKind::Sync),
            strength: Some(Strength::Hard),
            probability: Some(default),
            ..EdgeSpec::default()
        });
        assert!(!stated.edges_are_plain());
        assert_eq!(graph_digest(&plain), graph_digest(&stated));
        // Anything else differs.
        for spec in [
            EdgeSpec { probability: Some(Probability::new(0.5).unwrap()), ..EdgeSpec::default() },
            EdgeSpec { strength: Some(Strength::Soft), ..EdgeSpec::default() },
            EdgeSpec { kind: Some(EdgeKind::Async), ..EdgeSpec::default() },
            EdgeSpec { observation: Some(Observation { calls: 10, errors: 1 }), ..EdgeSpec::default() },
        ] {
            assert_ne!(graph_digest(&plain), graph_digest(&small(spec)), "{spec:?}");
        }
    }

    #[test]
    fn the_digest_depends_on_neither_threads_nor_input_order() {
        let g = graph(70_000, false);
        let pool = |t: usize| rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap();
        let one = pool(1).install(|| graph_digest(&g));
        assert_eq!(one, pool(4).install(|| graph_digest(&g)));
        assert_eq!(one, graph_digest(&graph(70_000, true)));
        assert_ne!(one, graph_digest(&graph(69_999, false)));
    }

    #[test]
    fn nested_unordered_lists_hash_alike_in_any_order() {
        let unordered = ["freezes", "freezes.*.scope.tiers", "freezes.*.allow", "in_flight.*.services"];
        let a = serde_json::json!({
            "freezes": [
                {"start": 1, "scope": {"tiers": [1, 0]}, "allow": ["security", "fix"]},
                {"start": 2, "scope": {"tiers": [2]}}
            ],
            "in_flight": [{"id": "d", "services": ["b", "a"]}],
            "order": [2, 1]
        });
        let b = serde_json::json!({
            "freezes": [
                {"start": 2, "scope": {"tiers": [2]}},
                {"start": 1, "scope": {"tiers": [0, 1]}, "allow": ["fix", "security"]}
            ],
            "in_flight": [{"id": "d", "services": ["a", "b"]}],
            "order": [2, 1]
        });
        assert_eq!(canonical(&a, &unordered), canonical(&b, &unordered));
        // Lists not named keep their order, and contents still count.
        let mut c = b.clone();
        c["order"] = serde_json::json!([1, 2]);
        assert_ne!(canonical(&a, &unordered), canonical(&c, &unordered));
        let mut d = b;
        d["in_flight"][0]["services"] = serde_json::json!(["a", "c"]);
        assert_ne!(canonical(&a, &unordered), canonical(&d, &unordered));
    }
}
