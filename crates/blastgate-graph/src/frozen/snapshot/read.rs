//! Reading a snapshot: bounds first, then the arrays straight into the
//! vectors the frozen graph keeps, then the checksums, then the invariants.

use rayon::prelude::*;

use super::SnapshotSource;
use super::layout::{
    ENTRY_LEN, HEADER_LEN, Header, NO_TIER, NO_USER_FACING, ORIGINS, STRENGTHS, Section, check_start, corrupt,
    parse_header,
};
use crate::build::{MAX_WARNINGS, propagation};
use crate::error::{ErrorDetail, GraphError};
use crate::fragment::{Warning, check_id};
use crate::frozen::{Csr, EdgeAttributes, FrozenGraph, Reverse};
use crate::limits::{MAX_ID_BYTES, MAX_LABELS, MAX_SNAPSHOT_BYTES, MAX_STRING_BYTES};
use crate::model::{
    Dependency, EdgeKind, NodeAttrs, NodeExtra, NodeKind, Observation, Origin, Probability, Strength, Tier, Traffic,
};

/// Longest string in a warning (messages quote values of up to
/// [`MAX_STRING_BYTES`]).
const MAX_WARNING_BYTES: usize = 64 * 1024;

pub(super) fn read(file: &str, source: &(impl SnapshotSource + ?Sized)) -> Result<FrozenGraph, GraphError> {
    let total = source.len();
    if total > MAX_SNAPSHOT_BYTES {
        return Err(GraphError::limit(file, "max_snapshot_bytes", MAX_SNAPSHOT_BYTES, total));
    }
    let mut head = [0u8; HEADER_LEN];
    let avail = usize::try_from(total).unwrap_or(HEADER_LEN).min(HEADER_LEN);
    let head = head.get_mut(..avail).unwrap_or_default();
    source.read_at(0, head).map_err(|e| io_error(file, &e))?;
    let count = check_start(file, head, total)?;
    let table_len = count as usize * ENTRY_LEN;
    if total < (HEADER_LEN + table_len) as u64 {
        return Err(corrupt(file, "section table", total.to_string(), "the file is cut short in its section table"));
    }
    let mut table = vec![0u8; table_len];
    source.read_at(HEADER_LEN as u64, &mut table).map_err(|e| io_error(file, &e))?;
    let header = parse_header(file, head, &table, total)?;
    let mut end = (HEADER_LEN + table_len) as u64;
    for entry in &header.entries {
        // INVARIANT: fewer than 8 bytes (see `parse_header`).
        let mut pad = [0u8; 8];
        let pad = pad.get_mut(..usize::try_from(entry.offset - end).unwrap_or(0)).unwrap_or_default();
        source.read_at(end, pad).map_err(|e| io_error(file, &e))?;
        if pad.iter().any(|&b| b != 0) {
            return Err(corrupt(file, format!("before section `{}`", entry.section.name()), "", "padding is not zero"));
        }
        end = entry.offset + entry.len;
    }
    let reader = Reader { file, source, header: &header };
    let (n, m) = (header.nodes, header.edges);

    // The forward rows of a version 1 file (sections 5 and 6) are not
    // read: they are made from the reverse rows when needed, so the two
    // cannot disagree.
    let ((ids, meta), reverse) =
        rayon::join(|| rayon::join(|| reader.ids(n), || reader.meta(n, m)), || reader.reverse(n, m));
    let (ids, meta) = (ids?, meta?);
    let ((rev_offsets, rev_sources), probability) = reverse?;

    let nodes = make_nodes(&meta.columns, meta.extra);
    let probability = match probability {
        Probabilities::Each(p) => p,
        Probabilities::Uniform(p) => {
            let longest = rev_offsets.windows(2).map(super::super::row_len).max().unwrap_or(0);
            vec![p; longest]
        }
    };
    let csr = Csr::from_reverse(Reverse::from_rows(rev_offsets, rev_sources, probability));
    let ids = crate::frozen::Ids::from_parts(ids.text, ids.offsets);
    let graph = FrozenGraph::assemble(nodes, ids, None, csr, meta.deps, meta.warnings);
    if let Some(v) = first_bad_probability(&graph, fingerprint_key()) {
        return Err(corrupt(
            file,
            format!("section `rev_probability`, row of node {v}"),
            String::new(),
            "a propagation probability differs from its edge's attributes",
        ));
    }
    Ok(graph)
}

/// A key for the fingerprints of edge sets, drawn once per process (from
/// the standard library's random hasher keys): the fingerprints of two
/// different sets agree with a chance of about 2^-64, and a crafted file
/// cannot aim at a key it does not know. The outcome of a read never
/// depends on the key otherwise.
fn fingerprint_key() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0x626c_6173_7467_6174_u64)
}

/// SplitMix64's finaliser: a bijection of 64-bit words that mixes every
/// bit into every other.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The fingerprint term of the edge `dependent -> dependency`: a set of
/// edges is fingerprinted by the wrapping sum of its terms, so the forward
/// and the reverse rows, which list the same edges in different orders,
/// sum to the same value exactly when they hold the same edges (up to the
/// chance above). A term is the product of a keyed mix of each end, so a
/// row sums its other ends first and multiplies once; the key goes in
/// before the mixing, so that no rearrangement of edges keeps the sum for
/// every key.
#[inline]
fn edge_term(key: u64, dependent: u32, dependency: u32) -> u64 {
    dependent_mix(key, dependent).wrapping_mul(dependency_mix(key, dependency))
}

/// The mix of an edge's dependent (odd, so that no product loses a bit).
#[inline]
fn dependent_mix(key: u64, node: u32) -> u64 {
    light_mix(u64::from(node) ^ key) | 1
}

/// The mix of an edge's dependency.
#[inline]
fn dependency_mix(key: u64, node: u32) -> u64 {
    light_mix(u64::from(node) ^ dependency_key(key))
}

/// The key for dependencies, other than the one for dependents.
#[inline]
fn dependency_key(key: u64) -> u64 {
    key.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15
}

/// A mix with one multiplication (the fingerprints mix every edge end
/// twice, 20 million times for a graph of 10 million edges): the keyed
/// 32-bit id spread over the word, multiplied, and the high half folded
/// into the low.
#[inline]
fn light_mix(z: u64) -> u64 {
    let z = (z ^ (z << 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z ^ (z >> 32)
}

/// The first node whose reverse row holds a probability other than the
/// one its edge's attributes give (as the builder stores it), if any.
/// Plain edges: each row against its node's default. Edges with their own
/// attributes: the forward and reverse edge sets fingerprinted with their
/// probabilities, then, only if those differ, a search for the row.
fn first_bad_probability(graph: &FrozenGraph, key: u64) -> Option<u32> {
    let n = u32::try_from(graph.node_count()).unwrap_or(u32::MAX);
    // What the builder stores for the edge `u -> v`.
    let stored = |u: u32, v: u32| graph.dependency(u, v).map_or(u32::MAX, |d| propagation(d).to_bits());
    let row_is_bad = |v: u32| graph.dependents_with_probability(v).any(|(u, p)| p.to_bits() != stored(u, v));
    if let Some(origin) = graph.deps.plain_origin() {
        // Every edge into `v` has the attributes of a plain edge to a node
        // of its kind.
        let expected_by_kind = NodeKind::ALL.map(|kind| {
            let kind = crate::build::default_edge_kind(Some(kind));
            propagation(&Dependency { kind, strength: Strength::Hard, probability: None, observation: None, origin })
                .to_bits()
        });
        let expected =
            |v: u32| graph.classes.get(v as usize).and_then(|c| expected_by_kind.get(c.kind_index())).copied();
        let offsets = &graph.csr.rev_offsets;
        let has_dependents = |v: u32| matches!(offsets.get(v as usize..v as usize + 2), Some([a, b]) if a < b);
        if let Some(p) = graph.csr.uniform_probability().map(f32::to_bits) {
            // One probability for every edge: it must be the default of
            // each kind with dependents. Nodes are searched only when a
            // kind's default differs (the file is then corrupt).
            let wrong: [bool; 8] = std::array::from_fn(|k| expected_by_kind.get(k).is_some_and(|&e| e != p));
            if !wrong.contains(&true) {
                return None;
            }
            // The classes (a byte a node) first: the offsets (4 bytes a
            // node) are read only for nodes of a wrong kind.
            let of_wrong_kind = |c: &super::super::NodeClass| wrong.get(c.kind_index()).copied().unwrap_or(false);
            return (0..n).zip(&graph.classes).find(|&(v, c)| of_wrong_kind(c) && has_dependents(v)).map(|(v, _)| v);
        }
        return (0..n).into_par_iter().with_min_len(8192).find_first(|&v| {
            let e = expected(v).unwrap_or(u32::MAX);
            graph.dependents_with_probability(v).any(|(_, q)| q.to_bits() != e)
        });
    }
    let term = |u: u32, v: u32, p: u32| mix(edge_term(key, u, v) ^ u64::from(p));
    let forward: u64 = (0..n)
        .into_par_iter()
        .with_min_len(8192)
        .map(|u| {
            let first = graph.csr().first_edge(u);
            (first..).zip(graph.dependencies_of(u)).fold(0u64, |acc, (e, &v)| {
                let p = graph.dependency_at_edge(e).map_or(u32::MAX, |d| propagation(d).to_bits());
                acc.wrapping_add(term(u, v, p))
            })
        })
        .reduce(|| 0, u64::wrapping_add);
    let reverse: u64 = (0..n)
        .into_par_iter()
        .with_min_len(8192)
        .map(|v| {
            graph.dependents_with_probability(v).fold(0u64, |acc, (u, p)| acc.wrapping_add(term(u, v, p.to_bits())))
        })
        .reduce(|| 0, u64::wrapping_add);
    if forward == reverse {
        return None;
    }
    // The sets differ: name the row (the search is not needed otherwise).
    (0..n).find(|&v| row_is_bad(v)).or(Some(0))
}

fn io_error(file: &str, e: &std::io::Error) -> GraphError {
    GraphError::Io(ErrorDetail::new(file, "", "", format!("cannot read the snapshot: {e}")))
}

/// The ids, checked: `offsets` are `n + 1` boundaries in `text`.
struct Ids {
    offsets: Vec<u32>,
    text: String,
}

impl Ids {
    fn get(&self, i: usize) -> Option<&str> {
        let a = *self.offsets.get(i)? as usize;
        let b = *self.offsets.get(i + 1)? as usize;
        self.text.get(a..b)
    }
}

/// Everything but the ids and the adjacency.
struct Meta {
    columns: Vec<u8>,
    extra: Vec<(u32, Extra)>,
    deps: EdgeAttributes,
    warnings: Vec<Warning>,
}

/// The attributes of a node stored in `node_extra`.
type Extra = NodeExtra;

/// Offsets and values of compressed sparse rows.
type Rows = (Vec<u32>, Vec<u32>);

enum Probabilities {
    Each(Vec<f32>),
    Uniform(f32),
}

struct Reader<'a, S: SnapshotSource + ?Sized> {
    file: &'a str,
    source: &'a S,
    header: &'a Header,
}

impl<S: SnapshotSource + ?Sized> Reader<'_, S> {
    fn has(&self, section: Section) -> bool {
        self.header.entries.iter().any(|e| e.section == section)
    }

    /// The length in bytes of `section` (0 if absent).
    fn len_of(&self, section: Section) -> u64 {
        self.header.entries.iter().find(|e| e.section == section).map_or(0, |e| e.len)
    }

    /// The elements of `section`, `expected` of them if given: its length
    /// is checked before anything is allocated (it is within the file,
    /// [`parse_header`] checked), then it is read and its checksum
    /// compared.
    fn section<T: bytemuck::Pod>(&self, section: Section, expected: Option<usize>) -> Result<Vec<T>, GraphError> {
        let name = section.name();
        let Some(entry) = self.header.entries.iter().find(|e| e.section == section) else {
            return Err(corrupt(self.file, "section table", name, "a section is missing"));
        };
        let size = std::mem::size_of::<T>() as u64;
        let fits = match expected {
            Some(count) => (count as u64).checked_mul(size) == Some(entry.len),
            None => entry.len % size == 0,
        };
        if !fits {
            let want = expected.map_or_else(|| format!("a multiple of {size}"), |c| (c as u64 * size).to_string());
            return Err(corrupt(
                self.file,
                format!("section `{name}`"),
                entry.len.to_string(),
                &format!("wrong length in bytes for the node and edge counts (expected {want})"),
            ));
        }
        // INVARIANT: `entry.len` is within the file, so it fits in memory
        // the file was read from or in a `usize` for a real file.
        let count = usize::try_from(entry.len / size).unwrap_or(usize::MAX);
        // Zeroed by the allocator (fresh pages from the system are zero
        // already), not by a pass over them.
        let mut values: Vec<T> = bytemuck::zeroed_vec(count);
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut values);
        // Read and hashed a cache-sized piece at a time, so that the hash
        // reads what the read just wrote, from the cache.
        let mut hasher = twox_hash::XxHash3_64::new();
        let mut at = entry.offset;
        for piece in bytes.chunks_mut(1 << 20) {
            self.source.read_at(at, piece).map_err(|e| io_error(self.file, &e))?;
            std::hash::Hasher::write(&mut hasher, piece);
            at += piece.len() as u64;
        }
        let computed = std::hash::Hasher::finish(&hasher);
        if computed != entry.checksum {
            return Err(corrupt(
                self.file,
                format!("section `{name}`"),
                format!("{:016x}", entry.checksum),
                &format!("checksum mismatch (computed {computed:016x})"),
            ));
        }
        Ok(values)
    }

    fn words(&self, section: Section, expected: Option<usize>) -> Result<Vec<u32>, GraphError> {
        let mut words: Vec<u32> = self.section(section, expected)?;
        if cfg!(target_endian = "big") {
            words.iter_mut().for_each(|w| *w = u32::from_le(*w));
        }
        Ok(words)
    }

    fn ids(&self, n: usize) -> Result<Ids, GraphError> {
        if self.len_of(Section::IdBytes) > (n as u64).saturating_mul(MAX_ID_BYTES as u64) {
            let len = self.len_of(Section::IdBytes).to_string();
            return Err(corrupt(self.file, "section `id_bytes`", len, "longer than the ids of all nodes can be"));
        }
        let (offsets, bytes) =
            rayon::join(|| self.words(Section::IdOffsets, Some(n + 1)), || self.section::<u8>(Section::IdBytes, None));
        let (offsets, bytes) = (offsets?, bytes?);
        let place = |what: String| format!("section `id_offsets`, {what}");
        check_offsets(self.file, Section::IdOffsets, &offsets, bytes.len())?;
        let text = String::from_utf8(bytes).map_err(|e| {
            corrupt(self.file, "section `id_bytes`", e.utf8_error().valid_up_to().to_string(), "ids are not UTF-8")
        })?;
        let ids = Ids { offsets, text };
        let bad = |i: usize| match (ids.get(i), i.checked_sub(1).map(|p| ids.get(p))) {
            (None, _) | (_, Some(None)) => true,
            (Some(id), previous) => {
                check_id("", id, String::new).is_err() || previous.flatten().is_some_and(|p| p >= id)
            }
        };
        if let Some(i) = (0..n).into_par_iter().with_min_len(8192).find_first(|&i| bad(i)) {
            let value = ids.get(i).map_or_else(String::new, str::to_owned);
            let message = match ids.get(i) {
                None => "an id does not start and end on character boundaries",
                Some(id) if check_id("", id, String::new).is_err() => {
                    "not a valid node id (empty, too long, or a control character)"
                }
                Some(_) => "ids are not strictly ascending (sorted and unique)",
            };
            return Err(corrupt(self.file, place(format!("node {i}")), value.escape_debug().to_string(), message));
        }
        Ok(ids)
    }

    /// Compressed rows (the reverse rows): `n + 1` offsets and `m` values,
    /// each row strictly ascending, in range and without the row's own
    /// node.
    fn rows(&self, offsets: Section, values: Section, n: usize, m: usize) -> Result<Rows, GraphError> {
        let (o, v) = rayon::join(|| self.words(offsets, Some(n + 1)), || self.words(values, Some(m)));
        let (o, v) = (o?, v?);
        check_offsets(self.file, offsets, &o, m)?;
        if let Some(row) = check_rows(&o, &v, n) {
            return Err(corrupt(
                self.file,
                format!("section `{}`, row of node {row}", values.name()),
                String::new(),
                "a row is not strictly ascending, names a node out of range, or is a self-loop",
            ));
        }
        Ok((o, v))
    }

    fn reverse(&self, n: usize, m: usize) -> Result<(Rows, Probabilities), GraphError> {
        let (rows, probability) =
            rayon::join(|| self.rows(Section::RevOffsets, Section::RevSources, n, m), || self.probabilities(m));
        Ok((rows?, probability?))
    }

    /// `m` reverse probabilities, or one for all edges.
    fn probabilities(&self, m: usize) -> Result<Probabilities, GraphError> {
        let mut p: Vec<f32> = self.section(Section::RevProbability, None)?;
        if cfg!(target_endian = "big") {
            p.iter_mut().for_each(|x| *x = f32::from_bits(u32::from_le(x.to_bits())));
        }
        let valid = |x: &f32| (0.0..=1.0).contains(x) && x.is_sign_positive();
        if let Some(i) = p.par_iter().with_min_len(8192).position_first(|x| !valid(x)) {
            let value = p.get(i).map_or_else(String::new, ToString::to_string);
            return Err(corrupt(
                self.file,
                format!("section `rev_probability`, entry {i}"),
                value,
                "a probability is not a finite number in [0, 1]",
            ));
        }
        match (p.as_slice(), m) {
            (_, 0) if p.is_empty() => Ok(Probabilities::Each(p)),
            ([one], _) => Ok(Probabilities::Uniform(*one)),
            _ if p.len() == m => Ok(Probabilities::Each(p)),
            _ => Err(corrupt(
                self.file,
                "section `rev_probability`",
                p.len().to_string(),
                "expected one probability per edge, or one for all",
            )),
        }
    }

    fn meta(&self, n: usize, m: usize) -> Result<Meta, GraphError> {
        let columns: Vec<u8> = self.section(Section::NodeColumns, Some(n.saturating_mul(4)))?;
        let valid = |c: &[u8]| match c {
            [kind, tier, user_facing, origin] => {
                usize::from(*kind) < NodeKind::ALL.len()
                    && (*tier == NO_TIER || Tier::new(*tier).is_some())
                    && *user_facing <= NO_USER_FACING
                    && usize::from(*origin) < ORIGINS.len()
            }
            _ => false,
        };
        if let Some(i) = columns.par_chunks(4).with_min_len(8192).position_first(|c| !valid(c)) {
            let value = format!("{:?}", columns.get(i * 4..i * 4 + 4).unwrap_or_default());
            return Err(corrupt(self.file, format!("section `node_columns`, node {i}"), value, "a value out of range"));
        }
        let extra = self.extra(n)?;
        let deps = self.deps(m)?;
        let warnings = self.warnings()?;
        Ok(Meta { columns, extra, deps, warnings })
    }

    fn extra(&self, n: usize) -> Result<Vec<(u32, Extra)>, GraphError> {
        let bytes: Vec<u8> = self.section(Section::NodeExtra, None)?;
        let mut c = Cursor::new(self.file, Section::NodeExtra, &bytes);
        let count = c.u32()?;
        let mut out: Vec<(u32, Extra)> = Vec::new();
        for _ in 0..count {
            let node = c.u32()?;
            if node as usize >= n || out.last().is_some_and(|(last, _)| *last >= node) {
                return Err(c.error(node.to_string(), "node out of range or out of order"));
            }
            let flags = c.u8()?;
            if flags > 7 {
                return Err(c.error(flags.to_string(), "unknown flags"));
            }
            let mut extra = Extra::default();
            if flags & 1 != 0 {
                extra.owner = Some(c.string(MAX_STRING_BYTES)?.into());
            }
            if flags & 2 != 0 {
                extra.system = Some(c.string(MAX_STRING_BYTES)?.into());
            }
            if flags & 4 != 0 {
                let v = c.f64()?;
                extra.traffic = Some(Traffic::new(v).ok_or_else(|| c.error(v.to_string(), "traffic out of range"))?);
            }
            let labels = c.u32()?;
            if labels as usize > MAX_LABELS {
                return Err(c.error(labels.to_string(), "more labels than `max_labels`"));
            }
            for _ in 0..labels {
                let (k, v) = (c.string(MAX_STRING_BYTES)?, c.string(MAX_STRING_BYTES)?);
                if extra.labels.insert(k.to_owned(), v.to_owned()).is_some() {
                    return Err(c.error(k, "label given twice"));
                }
            }
            out.push((node, extra));
        }
        c.finish()?;
        Ok(out)
    }

    fn deps(&self, m: usize) -> Result<EdgeAttributes, GraphError> {
        if self.has(Section::EdgePlain) {
            if self.has(Section::EdgeColumns) {
                return Err(corrupt(self.file, "section table", "edge_columns", "both plain and stated edges"));
            }
            let origin: Vec<u8> = self.section(Section::EdgePlain, Some(1))?;
            let origin = origin.first().and_then(|&o| ORIGINS.get(usize::from(o))).copied();
            let origin = origin.ok_or_else(|| corrupt(self.file, "section `edge_plain`", "", "unknown origin"))?;
            return Ok(EdgeAttributes::plain(origin));
        }
        let columns: Vec<u8> = self.section(Section::EdgeColumns, Some(m.saturating_mul(4)))?;
        let p_bytes: Vec<u8> = self.section(Section::EdgeProbability, None)?;
        let o_bytes: Vec<u8> = self.section(Section::EdgeObservation, None)?;
        let mut probabilities = Cursor::new(self.file, Section::EdgeProbability, &p_bytes);
        let mut observations = Cursor::new(self.file, Section::EdgeObservation, &o_bytes);
        let mut deps = Vec::with_capacity(m);
        for (e, c) in columns.chunks_exact(4).enumerate() {
            let &[kind, strength, origin, flags] = c else { continue };
            let kind = EdgeKind::ALL.get(usize::from(kind)).copied();
            let strength = STRENGTHS.get(usize::from(strength)).copied();
            let origin: Option<Origin> = ORIGINS.get(usize::from(origin)).copied();
            let (Some(kind), Some(strength), Some(origin), true) = (kind, strength, origin, flags <= 3) else {
                let place = format!("section `edge_columns`, edge {e}");
                return Err(corrupt(self.file, place, format!("{c:?}"), "a value out of range"));
            };
            let probability = if flags & 1 != 0 {
                let p = probabilities.f64()?;
                Some(
                    Probability::new(p)
                        .ok_or_else(|| probabilities.error(p.to_string(), "probability out of range"))?,
                )
            } else {
                None
            };
            let observation = if flags & 2 != 0 {
                Some(Box::new(Observation { calls: observations.u64()?, errors: observations.u64()? }))
            } else {
                None
            };
            deps.push(Dependency { kind, strength, probability, observation, origin });
        }
        probabilities.finish()?;
        observations.finish()?;
        Ok(EdgeAttributes::Each(deps))
    }

    fn warnings(&self) -> Result<Vec<Warning>, GraphError> {
        let bytes: Vec<u8> = self.section(Section::Warnings, None)?;
        let mut c = Cursor::new(self.file, Section::Warnings, &bytes);
        let count = c.u32()?;
        if count as usize > MAX_WARNINGS + 1 {
            return Err(c.error(count.to_string(), "more warnings than are ever kept"));
        }
        let mut out = Vec::new();
        for _ in 0..count {
            let (file, place, message) =
                (c.string(MAX_WARNING_BYTES)?, c.string(MAX_WARNING_BYTES)?, c.string(MAX_WARNING_BYTES)?);
            out.push(Warning::new(file, place, message));
        }
        c.finish()?;
        Ok(out)
    }
}

/// The first row of `offsets` (checked) over `values` that is not strictly
/// ascending, names a node not below `n` or the row's own node, if any.
/// Each piece of rows is checked by a loop without branches on the values
/// (which the compiler can vectorise), and searched again only if bad.
fn check_rows(offsets: &[u32], values: &[u32], n: usize) -> Option<usize> {
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    let row_is_bad = |row: usize| {
        let (a, b) = (offsets.get(row).copied().unwrap_or(0), offsets.get(row + 1).copied().unwrap_or(0));
        let own = u32::try_from(row).unwrap_or(u32::MAX);
        let mut bad = false;
        let mut previous = None;
        for &x in values.get(a as usize..b as usize).unwrap_or_default() {
            bad |= (x >= n) | (x == own) | previous.is_some_and(|p| p >= x);
            previous = Some(x);
        }
        bad
    };
    let rows = offsets.len().saturating_sub(1);
    let piece = |p: usize| p * PIECE_ROWS..((p + 1) * PIECE_ROWS).min(rows);
    (0..rows.div_ceil(PIECE_ROWS))
        .into_par_iter()
        .find_first(|&p| piece(p).fold(false, |bad, row| bad | row_is_bad(row)))
        .and_then(|p| piece(p).find(|&row| row_is_bad(row)))
}

/// Rows checked by one task.
const PIECE_ROWS: usize = 16 * 1024;

/// Offsets start at 0, never decrease and end at `end`.
fn check_offsets(file: &str, section: Section, offsets: &[u32], end: usize) -> Result<(), GraphError> {
    let first_bad = if offsets.first() != Some(&0) {
        Some(0)
    } else if let Some(i) = offsets.windows(2).position(|w| matches!(w, [a, b] if a > b)) {
        Some(i + 1)
    } else if offsets.last().map(|&l| l as usize) != Some(end) {
        Some(offsets.len().saturating_sub(1))
    } else {
        None
    };
    match first_bad {
        None => Ok(()),
        Some(i) => Err(corrupt(
            file,
            format!("section `{}`, entry {i}", section.name()),
            offsets.get(i).map_or_else(String::new, ToString::to_string),
            &format!("offsets must start at 0, never decrease and end at {end}"),
        )),
    }
}

/// The nodes' attributes, made on rayon's threads from checked columns
/// (the ids stay in the buffer they were read into).
fn make_nodes(columns: &[u8], extra: Vec<(u32, Extra)>) -> Vec<NodeAttrs> {
    let mut nodes: Vec<NodeAttrs> = columns
        .par_chunks(4)
        .with_min_len(4096)
        .map(|c| {
            let code = |k: usize| c.get(k).copied().unwrap_or(0);
            NodeAttrs {
                kind: NodeKind::ALL.get(usize::from(code(0))).copied().unwrap_or(NodeKind::Service),
                tier: Tier::new(code(1)),
                user_facing: match code(2) {
                    0 => Some(false),
                    1 => Some(true),
                    _ => None,
                },
                origin: ORIGINS.get(usize::from(code(3))).copied().unwrap_or(Origin::Placeholder),
                extra: None,
            }
        })
        .collect();
    for (i, e) in extra {
        if let Some(node) = nodes.get_mut(i as usize) {
            node.extra = e.boxed();
        }
    }
    nodes
}

/// Reads the variable-length sections, every read checked.
struct Cursor<'a> {
    file: &'a str,
    section: Section,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(file: &'a str, section: Section, bytes: &'a [u8]) -> Self {
        Self { file, section, bytes, at: 0 }
    }

    fn error(&self, value: impl Into<String>, message: &str) -> GraphError {
        corrupt(self.file, format!("section `{}`, byte {}", self.section.name(), self.at), value, message)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], GraphError> {
        let bytes = self.at.checked_add(len).and_then(|end| self.bytes.get(self.at..end));
        let bytes = bytes.ok_or_else(|| self.error(len.to_string(), "the section ends too early"))?;
        self.at += len;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], GraphError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, GraphError> {
        Ok(u8::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, GraphError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, GraphError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn f64(&mut self) -> Result<f64, GraphError> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    fn string(&mut self, max: usize) -> Result<&'a str, GraphError> {
        let len = self.u32()? as usize;
        if len > max {
            return Err(self.error(len.to_string(), "a string longer than the limits allow"));
        }
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map_err(|_| self.error("", "a string is not UTF-8"))
    }

    fn finish(&self) -> Result<(), GraphError> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(self.error((self.bytes.len() - self.at).to_string(), "bytes left over at the end of the section"))
        }
    }
}
