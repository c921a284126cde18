//! SHA-256 digests of the inputs, so that an assessment names exactly what
//! it decided on.
//!
//! The graph is hashed in a canonical form (nodes by id, each with its
//! attributes and its dependencies by id), so the order of source files or
//! of lines within them does not matter. Documents are hashed as JSON with
//! sorted keys, and the lists whose order carries no meaning (files,
//! services, resources, labels, incidents, budgets, freezes, changes in
//! flight, rules) are sorted first.

use blastgate_change::Changeset;
use blastgate_graph::FrozenGraph;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{AssessOptions, Engine};
use crate::context::Context;

/// The digest of a graph's canonical form: `sha256:` and 64 hex digits.
pub fn graph_digest(graph: &FrozenGraph) -> String {
    let mut h = Sha256::new();
    h.update(b"blastgate-graph-v1\0");
    let mut order: Vec<u32> = (0..u32::try_from(graph.node_count()).unwrap_or(u32::MAX)).collect();
    order.sort_by(|&a, &b| id(graph, a).cmp(id(graph, b)));
    let field = |h: &mut Sha256, bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    for &i in &order {
        let Some(n) = graph.node(i) else { continue };
        field(&mut h, b"node");
        field(&mut h, n.id().as_bytes());
        field(&mut h, n.kind().as_str().as_bytes());
        field(&mut h, &[n.tier().map_or(255, |t| t.level())]);
        field(&mut h, n.owner().unwrap_or("\u{0}").as_bytes());
        field(&mut h, n.system().unwrap_or("\u{0}").as_bytes());
        for (k, v) in n.labels() {
            field(&mut h, k.as_bytes());
            field(&mut h, v.as_bytes());
        }
        field(&mut h, &n.traffic().map_or(f64::NAN, |t| t.get()).to_bits().to_le_bytes());
        field(&mut h, &[n.user_facing().map_or(2, u8::from)]);
        let mut deps: Vec<u32> = graph.dependencies_of(i).to_vec();
        deps.sort_by(|&a, &b| id(graph, a).cmp(id(graph, b)));
        for d in deps {
            let Some(e) = graph.dependency(i, d) else { continue };
            field(&mut h, b"edge");
            field(&mut h, id(graph, d).as_bytes());
            field(&mut h, e.kind().as_str().as_bytes());
            field(&mut h, e.strength().as_str().as_bytes());
            field(&mut h, &e.probability().get().to_bits().to_le_bytes());
            let (calls, errors) = e.observation().map_or((u64::MAX, u64::MAX), |o| (o.calls, o.errors));
            field(&mut h, &calls.to_le_bytes());
            field(&mut h, &errors.to_le_bytes());
        }
    }
    hex(&h.finalize())
}

fn id(graph: &FrozenGraph, i: u32) -> &str {
    graph.node(i).map_or("", |n| n.id())
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
    h.update(engine.graph_digest.as_bytes());
    for (name, bytes) in [
        ("changeset", canonical(changeset, &["services", "files", "infrastructure", "labels"])),
        ("context", canonical(context, &["incidents", "error_budgets", "freezes", "in_flight"])),
        ("policy", canonical(&engine.policy, &["rule"])),
    ] {
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    h.update(b"mapping");
    h.update(options.mapping_digest.as_bytes());
    h.update([u8::from(options.allow_unknown_services)]);
    hex(&h.finalize())
}

/// JSON with the listed top-level arrays sorted by their elements' JSON.
/// A value that cannot be serialised hashes as its error message, which
/// still differs from any valid document.
fn canonical<T: Serialize>(value: &T, unordered: &[&str]) -> Vec<u8> {
    let mut v = match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => return format!("unserialisable: {e}").into_bytes(),
    };
    if let serde_json::Value::Object(map) = &mut v {
        for key in unordered {
            if let Some(serde_json::Value::Array(items)) = map.get_mut(*key) {
                let mut keyed: Vec<(String, serde_json::Value)> =
                    items.drain(..).map(|item| (item.to_string(), item)).collect();
                keyed.sort_by(|a, b| a.0.cmp(&b.0));
                items.extend(keyed.into_iter().map(|(_, item)| item));
            }
        }
    }
    v.to_string().into_bytes()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(7 + 2 * bytes.len());
    s.push_str("sha256:");
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
    hex(&h.finalize())
}
