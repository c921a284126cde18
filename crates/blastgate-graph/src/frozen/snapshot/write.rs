//! Writing a snapshot.

use std::io::{self, Write};

use rayon::prelude::*;

use super::layout::{
    ALIGN, ENTRY_LEN, FORMAT_VERSION, HEADER_LEN, MAGIC, NO_TIER, NO_USER_FACING, ORIGINS, STRENGTHS, Section, code_of,
    engine_version, header_checksum,
};
use crate::frozen::{EdgeAttributes, FrozenGraph};
use crate::model::{Dependency, EdgeKind, NodeAttrs, NodeKind};

/// A section's bytes: borrowed from the graph's arrays where their memory
/// is already the file's little-endian layout, made otherwise.
enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Bytes<'_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            Self::Borrowed(b) => b,
            Self::Owned(b) => b,
        }
    }
}

/// `words` as little-endian bytes, borrowed on little-endian machines.
fn words(words: &[u32]) -> Bytes<'_> {
    if cfg!(target_endian = "little") {
        Bytes::Borrowed(bytemuck::cast_slice(words))
    } else {
        Bytes::Owned(words.iter().flat_map(|w| w.to_le_bytes()).collect())
    }
}

fn floats(floats: &[f32]) -> Bytes<'_> {
    if cfg!(target_endian = "little") {
        Bytes::Borrowed(bytemuck::cast_slice(floats))
    } else {
        Bytes::Owned(floats.iter().flat_map(|w| w.to_le_bytes()).collect())
    }
}

pub(super) fn write(graph: &FrozenGraph, out: &mut impl Write) -> io::Result<()> {
    let csr = &graph.csr;
    let n = graph.node_count();
    let m = csr.edge_count();
    let Some((id_bytes, id_offsets)) = graph.ids.parts() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the node ids hold more than 4 GiB together"));
    };
    let mut sections: Vec<(Section, Bytes<'_>)> = vec![
        (Section::IdOffsets, words(id_offsets)),
        (Section::IdBytes, Bytes::Borrowed(id_bytes.as_bytes())),
        (Section::NodeColumns, Bytes::Owned(node_columns(&graph.nodes))),
        (Section::NodeExtra, Bytes::Owned(node_extra(&graph.nodes))),
        (Section::RevOffsets, words(&csr.rev_offsets)),
        (Section::RevSources, words(&csr.rev_sources)),
    ];
    let uniform = csr.uniform.map(|p| [p]);
    let probability: &[f32] = match (&uniform, m) {
        (_, 0) => &[],
        (Some(p), _) => p,
        (None, _) => &csr.rev_probability,
    };
    sections.push((Section::RevProbability, floats(probability)));
    match &graph.deps {
        EdgeAttributes::Plain(_) => {
            let origin = graph.deps.plain_origin().map_or(0, |o| code_of(&ORIGINS, &o));
            sections.push((Section::EdgePlain, Bytes::Owned(vec![origin])));
        }
        EdgeAttributes::Each(deps) => {
            let (columns, probabilities, observations) = edge_columns(deps);
            sections.push((Section::EdgeColumns, Bytes::Owned(columns)));
            sections.push((Section::EdgeProbability, Bytes::Owned(probabilities)));
            sections.push((Section::EdgeObservation, Bytes::Owned(observations)));
        }
    }
    sections.push((Section::Warnings, Bytes::Owned(warnings(graph))));

    let checksums: Vec<u64> = sections.par_iter().map(|(_, b)| twox_hash::XxHash3_64::oneshot(b.as_slice())).collect();
    let mut table = Vec::with_capacity(sections.len() * ENTRY_LEN);
    let mut offset = (HEADER_LEN + sections.len() * ENTRY_LEN) as u64;
    let mut offsets = Vec::with_capacity(sections.len());
    for ((section, bytes), checksum) in sections.iter().zip(&checksums) {
        offset = offset.next_multiple_of(ALIGN);
        offsets.push(offset);
        table.extend_from_slice(&section.id().to_le_bytes());
        table.extend_from_slice(&0u32.to_le_bytes());
        table.extend_from_slice(&offset.to_le_bytes());
        table.extend_from_slice(&(bytes.as_slice().len() as u64).to_le_bytes());
        table.extend_from_slice(&checksum.to_le_bytes());
        offset += bytes.as_slice().len() as u64;
    }
    let mut head = Vec::with_capacity(HEADER_LEN);
    head.extend_from_slice(&MAGIC);
    head.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    head.extend_from_slice(&u32::try_from(sections.len()).unwrap_or(u32::MAX).to_le_bytes());
    head.extend_from_slice(&engine_version());
    head.extend_from_slice(&(n as u64).to_le_bytes());
    head.extend_from_slice(&(m as u64).to_le_bytes());
    head.extend_from_slice(&offset.to_le_bytes());
    let checksum = header_checksum(&head, &table);
    head.extend_from_slice(&checksum.to_le_bytes());

    out.write_all(&head)?;
    out.write_all(&table)?;
    let mut at = (HEADER_LEN + table.len()) as u64;
    for ((_, bytes), start) in sections.iter().zip(offsets) {
        let pad = usize::try_from(start - at).unwrap_or(0);
        out.write_all([0u8; ALIGN as usize].get(..pad).unwrap_or_default())?;
        out.write_all(bytes.as_slice())?;
        at = start + bytes.as_slice().len() as u64;
    }
    out.flush()
}

/// Kind, tier, user-facing and origin of each node, a byte each.
fn node_columns(nodes: &[NodeAttrs]) -> Vec<u8> {
    nodes
        .par_iter()
        .with_min_len(4096)
        .flat_map_iter(|n| {
            [
                code_of(&NodeKind::ALL, &n.kind),
                n.tier.map_or(NO_TIER, |t| t.level()),
                n.user_facing.map_or(NO_USER_FACING, u8::from),
                code_of(&ORIGINS, &n.origin),
            ]
        })
        .collect()
}

/// The nodes that have an owner, a system, labels or traffic: a count, then
/// for each its dense id, a flag byte (1 owner, 2 system, 4 traffic), the
/// owner and system if flagged, the traffic (f64) if flagged, the number of
/// labels and each key and value. Strings are a u32 length and UTF-8.
fn node_extra(nodes: &[NodeAttrs]) -> Vec<u8> {
    let mut out = Vec::new();
    let count = nodes.iter().filter(|n| n.extra.is_some()).count();
    out.extend_from_slice(&(count as u32).to_le_bytes());
    for (i, e) in (0u32..).zip(nodes).filter_map(|(i, n)| Some((i, n.extra.as_deref()?))) {
        out.extend_from_slice(&i.to_le_bytes());
        let flags =
            u8::from(e.owner.is_some()) | u8::from(e.system.is_some()) << 1 | u8::from(e.traffic.is_some()) << 2;
        out.push(flags);
        for s in [&e.owner, &e.system].into_iter().flatten() {
            string(&mut out, s);
        }
        if let Some(t) = e.traffic {
            out.extend_from_slice(&t.get().to_le_bytes());
        }
        out.extend_from_slice(&(e.labels.len() as u32).to_le_bytes());
        for (k, v) in &e.labels {
            string(&mut out, k);
            string(&mut out, v);
        }
    }
    out
}

fn string(out: &mut Vec<u8>, s: &str) {
    // INVARIANT: strings are at most `limits::MAX_STRING_BYTES` (checked
    // when loading) or `MAX_ID_BYTES`, and messages far below 4 GiB.
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Kind, strength, origin and a flag byte (1 probability stated, 2
/// observation) per edge; the stated probabilities (f64) and observations
/// (calls, errors: u64) of the flagged edges, in edge order.
fn edge_columns(deps: &[Dependency]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut columns = Vec::with_capacity(deps.len() * 4);
    let mut probabilities = Vec::new();
    let mut observations = Vec::new();
    for d in deps {
        let flags = u8::from(d.probability.is_some()) | u8::from(d.observation.is_some()) << 1;
        columns.extend_from_slice(&[
            code_of(&EdgeKind::ALL, &d.kind),
            code_of(&STRENGTHS, &d.strength),
            code_of(&ORIGINS, &d.origin),
            flags,
        ]);
        if let Some(p) = d.probability {
            probabilities.extend_from_slice(&p.get().to_le_bytes());
        }
        if let Some(o) = d.observation() {
            observations.extend_from_slice(&o.calls.to_le_bytes());
            observations.extend_from_slice(&o.errors.to_le_bytes());
        }
    }
    (columns, probabilities, observations)
}

/// A count, then each warning's file, place and message.
fn warnings(graph: &FrozenGraph) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(graph.warnings.len() as u32).to_le_bytes());
    for w in &graph.warnings {
        string(&mut out, w.file());
        string(&mut out, w.place());
        string(&mut out, w.message());
    }
    out
}
