//! Merging edge records into sorted forward and reverse adjacency:
//! duplicates merged, self-loops dropped.
//!
//! The common case, where no record has attributes and every source has
//! the same trust ([`merge_plain`]), is a radix sort of bare ids: a stable
//! counting sort by dependent, then one by dependency, which gives the
//! reverse rows sorted by dependent; duplicates are then adjacent, and a
//! third counting sort by dependent gives the forward rows sorted by
//! dependency. Three passes of sequential reads and scattered writes, no
//! comparison sort. The general case ([`Records::merge_general`]) sorts
//! each dependent's records by dependency and position, so that duplicates
//! are merged in input order.
//!
//! Scattering and sorting run on rayon's threads over ranges of nodes
//! holding about the same number of records; each range is written by one
//! task in input order and the ranges' outputs are joined in order, so the
//! result is the same whatever the number of threads.

use rayon::prelude::*;

use super::{Conflict, Slot, Warnings, default_edge_kind, offer, report};
use crate::fragment::{GraphFragment, SELF_LOOP_WARNINGS, Warning};
use crate::frozen::{EdgeAttributes, Reverse};
use crate::model::{Dependency, EdgeKind, EdgeSpec, Node, NodeKind, Observation, Origin, Probability, Strength};

/// The global id of each of a fragment's local ids.
pub(super) enum Locals {
    /// The same as the local id, for the fragment's `count` nodes.
    Same(u32),
    /// By local id.
    Map(Vec<u32>),
}

impl Locals {
    /// Renumbers the global ids: `g` becomes `new_id[g]`.
    pub(super) fn renumber(&mut self, new_id: &[u32]) {
        let map = match self {
            Self::Same(count) => new_id.get(..*count as usize).unwrap_or(new_id).to_vec(),
            Self::Map(map) => map.iter().map(|&g| new_id.get(g as usize).copied().unwrap_or(NO_NODE)).collect(),
        };
        *self = Self::Map(map);
    }
}

/// Every edge record of every fragment, in input order.
#[derive(Default)]
pub(super) struct Records {
    /// `(dependent, dependency)` in global ids; [`NO_NODE`] where a record
    /// names no node (a loader's bug), which drops it.
    edges: Vec<(u32, u32)>,
    /// Records whose only attribute is a probability: position, fragment,
    /// probability; ascending by position.
    probabilities: Vec<(u32, u32, Probability)>,
    /// Other records with attributes: position, fragment, attributes;
    /// ascending by position.
    specs: Vec<(u32, u32, EdgeSpec)>,
    /// The trust of each fragment.
    origins: Vec<Origin>,
    /// Position of each fragment's first record.
    starts: Vec<usize>,
}

/// A node id that names no node.
const NO_NODE: u32 = u32::MAX;

/// Largest number of pieces the sorting is split into.
const MAX_PARTS: usize = 8;

impl Records {
    /// Takes the edge records of fragment `f`, whose nodes got the global
    /// ids `local`.
    pub(super) fn add(&mut self, f: usize, fragment: &mut GraphFragment, local: &Locals) {
        let base = self.edges.len();
        self.starts.push(base);
        self.origins.push(fragment.origin);
        let edges = std::mem::take(&mut fragment.edges);
        match local {
            Locals::Same(count) if base == 0 => {
                self.edges = edges;
                for (from, to) in &mut self.edges {
                    if *from >= *count {
                        *from = NO_NODE;
                    }
                    if *to >= *count {
                        *to = NO_NODE;
                    }
                }
            }
            Locals::Map(map) if base == 0 => {
                // The first fragment renumbered: map its records in place.
                self.edges = edges;
                let global = |l: u32| map.get(l as usize).copied().unwrap_or(NO_NODE);
                for (from, to) in &mut self.edges {
                    *from = global(*from);
                    *to = global(*to);
                }
            }
            _ => {
                let global = |l: u32| match local {
                    Locals::Same(count) => Some(l).filter(|l| l < count),
                    Locals::Map(map) => map.get(l as usize).copied(),
                };
                self.edges.reserve(edges.len());
                for (a, b) in edges {
                    self.edges.push((global(a).unwrap_or(NO_NODE), global(b).unwrap_or(NO_NODE)));
                }
            }
        }
        let f32 = u32::try_from(f).unwrap_or(u32::MAX);
        let global = |pos: u32| u32::try_from(base + pos as usize).unwrap_or(u32::MAX);
        for (pos, p) in std::mem::take(&mut fragment.edge_probabilities) {
            self.probabilities.push((global(pos), f32, p));
        }
        for (pos, spec) in std::mem::take(&mut fragment.edge_specs) {
            self.specs.push((global(pos), f32, spec));
        }
    }

    /// Sorts, deduplicates and merges the records over `kinds.len()` nodes
    /// of kinds `kinds`. `edge_defaults`, when given, is the edge kind an
    /// edge into each node takes when no source states one, where it is
    /// not the one its kind implies (sources disagreed on the kind).
    ///
    /// # Complexity
    /// `O(V + E)` plus sorting each dependent's records, spread over
    /// rayon's threads.
    pub(super) fn merge(self, kinds: &[NodeKind], edge_defaults: Option<&[EdgeKind]>) -> Merged {
        let plain = self.probabilities.is_empty()
            && self.specs.is_empty()
            && edge_defaults.is_none()
            && self.origins.windows(2).all(|w| matches!(w, [a, b] if a == b));
        if plain {
            let origin = self.origins.first().copied().unwrap_or(Origin::Placeholder);
            merge_plain(self.edges, kinds, origin)
        } else {
            self.merge_general(kinds, edge_defaults)
        }
    }

    /// The general case: records carry their position, so that duplicates
    /// are merged in input order.
    fn merge_general(self, kinds: &[NodeKind], edge_defaults: Option<&[EdgeKind]>) -> Merged {
        let n = kinds.len();
        let Bucketed { offsets, items, parts } = bucket_by_dependent(&self.edges, n, |pos, to| (to, pos));
        // The attributes of each record, if any: 0 for none, `i + 1` for
        // `probabilities[i]`, `probabilities.len() + i + 1` for `specs[i]`.
        let mut attributes = Vec::new();
        if !(self.probabilities.is_empty() && self.specs.is_empty()) {
            attributes = vec![0u32; self.edges.len()];
            let positions = self.probabilities.iter().map(|p| p.0).chain(self.specs.iter().map(|s| s.0));
            for (i, pos) in (1u32..).zip(positions) {
                if let Some(a) = attributes.get_mut(pos as usize) {
                    *a = i;
                }
            }
        }
        drop(self.edges);
        let context = Context {
            attributes: &attributes,
            probabilities: &self.probabilities,
            specs: &self.specs,
            origins: &self.origins,
            starts: &self.starts,
        };
        let mut items = items;
        let slices = split_parts(&mut items, &offsets, &parts);
        let pieces: Vec<Piece> = slices
            .into_par_iter()
            .map(|(range, slice)| {
                let mut piece = Piece::new(range.1 - range.0);
                let bounds = offsets.get(range.0..=range.1).unwrap_or_default();
                let base = bounds.first().copied().unwrap_or(0) as usize;
                for (i, w) in bounds.windows(2).enumerate() {
                    let (a, b) = (w.first().copied().unwrap_or(0) as usize, w.last().copied().unwrap_or(0) as usize);
                    let Some(bucket) = slice.get_mut(a - base..b - base) else { continue };
                    bucket.sort_unstable();
                    let from = u32::try_from(range.0 + i).unwrap_or(NO_NODE);
                    let mut j = 0;
                    while let Some(&(to, _)) = bucket.get(j) {
                        let run = bucket.get(j..).unwrap_or_default();
                        let len = run.iter().take_while(|r| r.0 == to).count().max(1);
                        j += len;
                        if to == from {
                            piece.self_loop(from);
                        } else if let Some(&kind) = kinds.get(to as usize) {
                            let records = run.get(..len).unwrap_or_default();
                            let default = edge_defaults
                                .and_then(|d| d.get(to as usize).copied())
                                .unwrap_or_else(|| default_edge_kind(Some(kind)));
                            let (dep, conflicts) = context.merge_edge(records, default);
                            for (first, second, message) in conflicts {
                                piece.events.push(Event::Conflict { from, to, first, second, message });
                            }
                            piece.targets.push(to);
                            piece.probability.push(propagation(&dep));
                            piece.deps.push(dep);
                            if let Some(c) = piece.counts.get_mut(i) {
                                *c += 1;
                            }
                        }
                        // A record naming no node (a loader's bug) is dropped.
                    }
                }
                piece
            })
            .collect();
        drop(items);
        Merged::join(pieces, n)
    }
}

/// The propagation probability of `dep` as the frozen graph stores it.
/// `+ 0.0` turns a stated `-0.0` into `0.0`: a negative zero would sort
/// below the floor 0 and hide a reachable node.
pub(crate) fn propagation(dep: &Dependency) -> f32 {
    (dep.probability().get() + 0.0) as f32
}

/// What merging an edge's records reads.
struct Context<'a> {
    attributes: &'a [u32],
    probabilities: &'a [(u32, u32, Probability)],
    specs: &'a [(u32, u32, EdgeSpec)],
    origins: &'a [Origin],
    starts: &'a [usize],
}

impl Context<'_> {
    /// Merges the records of one edge (dependency, position; by position)
    /// whose kind is `default` unless a source states one. Returns the edge
    /// and the conflicts between sources (the file of the value kept, the
    /// other's, message).
    fn merge_edge(&self, records: &[(u32, u32)], default: EdgeKind) -> (Dependency, Vec<Conflict>) {
        let mut edge_kind: Option<Slot<EdgeKind>> = None;
        let mut strength: Option<Slot<Strength>> = None;
        let mut probability: Option<Slot<Probability>> = None;
        let mut observation: Option<Observation> = None;
        let mut origin = Origin::Placeholder;
        let mut conflicts = Vec::new();
        for &(_, pos) in records {
            let Some((f, o, spec)) = self.record(pos) else { continue };
            origin = origin.max(o);
            let Some(spec) = spec else {
                // Without attributes a record still says the edge exists
                // with its fragment's trust, and that its default holds.
                continue;
            };
            offer(&mut edge_kind, spec.kind, o, f);
            offer(&mut strength, spec.strength, o, f);
            offer(&mut probability, spec.probability, o, f);
            if let Some(obs) = spec.observation {
                let acc = observation.get_or_insert_with(Observation::default);
                acc.calls = acc.calls.saturating_add(obs.calls);
                acc.errors = acc.errors.saturating_add(obs.errors);
            }
        }
        report(&edge_kind, "kind", &mut conflicts);
        report(&strength, "strength", &mut conflicts);
        report(&probability, "probability", &mut conflicts);
        // Only a source that states a probability lowers an edge below the
        // default its kind and strength imply: another source of the same
        // or more trust that describes the edge and states none says the
        // default holds (fail closed), so an edge list's low probability
        // cannot quietly override the edge a catalog or a trace describes.
        // (Inside one file, a line that states a probability refines one
        // that does not: a native `depends_on` beside its `dependencies`
        // entry.)
        let edge_kind_value = edge_kind.as_ref().map_or(default, |s| s.value);
        let strength_value = strength.as_ref().map(|s| s.value).unwrap_or_default();
        let implied = Probability::default_for(edge_kind_value, strength_value);
        // What decided the value (a stated probability, else the most
        // trusted stated kind or strength), and the value.
        let decided = match &probability {
            Some(p) => Some((p.origin, p.file, p.value.get())),
            None => [edge_kind.as_ref().map(|s| (s.origin, s.file)), strength.as_ref().map(|s| (s.origin, s.file))]
                .into_iter()
                .flatten()
                .max_by_key(|&(o, f)| (o, std::cmp::Reverse(f)))
                .map(|(o, f)| (o, f, implied.get())),
        };
        // The files of the same or more trust that describe the edge and
        // state no probability for it on any line imply the default of
        // their own kind and strength: the highest is the floor (origin,
        // file, value). The deciding file counts too: the merged kind and
        // strength may come from two files (`async` from one, `soft` from
        // another: 0.2) and each file's own default (0.5 and 0.3) is a
        // floor; leaving out the decider, which among equally trusted
        // files is the first given, made the floor depend on the order of
        // the inputs (0.5 one way, 0.3 the other; a determinism audit). A
        // file that states one on some line refines its own lines that do
        // not, whichever file comes first (the records of one file are
        // contiguous, by position). A second pass over the records, so
        // that nothing is allocated.
        let floor = decided.and_then(|(o, _, _)| {
            // The file being read: (file, origin, states a probability,
            // highest default of its lines).
            let mut group: Option<(usize, Origin, bool, f64)> = None;
            let mut floor: Option<(Origin, usize, f64)> = None;
            let close = |g: Option<(usize, Origin, bool, f64)>, floor: &mut Option<(Origin, usize, f64)>| {
                if let Some((sf, so, stated, p)) = g
                    && so >= o
                    && !stated
                    && floor.is_none_or(|(_, ff, fp)| p.total_cmp(&fp).then_with(|| ff.cmp(&sf)).is_gt())
                {
                    *floor = Some((so, sf, p));
                }
            };
            for (sf, so, spec) in records.iter().filter_map(|&(_, pos)| self.record(pos)) {
                let (kind, strength) = spec.map_or((None, None), |s| (s.kind, s.strength));
                let p = Probability::default_for(kind.unwrap_or(default), strength.unwrap_or_default()).get();
                let stated = spec.is_some_and(|s| s.probability.is_some());
                match &mut group {
                    Some((gf, _, g_stated, gp)) if *gf == sf => {
                        *g_stated |= stated;
                        if p.total_cmp(gp).is_gt() {
                            *gp = p;
                        }
                    }
                    _ => {
                        close(group.take(), &mut floor);
                        group = Some((sf, so, stated, p));
                    }
                }
            }
            close(group, &mut floor);
            floor
        });
        if let (Some((o, f, value)), Some((so, sf, floor))) = (decided, floor)
            && value < floor
            && let Some(kept) = Probability::new(floor)
        {
            let trust = if so > o {
                "a more trusted source"
            } else if sf == f {
                "the source that states the kind or strength, on its own,"
            } else {
                "another source of the same trust"
            };
            conflicts.push((
                sf,
                f,
                format!(
                    "the edge's probability {value} (stated, or implied by the `{edge_kind_value}`, `{}` edge a \
                     source states) is below the {floor} that {trust} implies, describing the edge without a \
                     probability; keeping {floor} (state the probability in the most trusted source to lower it)",
                    strength_value.as_str()
                ),
            ));
            // The merged kind and strength's own default, when it is the
            // floor; else the floor as the edge's probability.
            probability = (floor.total_cmp(&implied.get()).is_ne()).then(|| Slot {
                value: kept,
                origin: o,
                file: f,
                rivals: Vec::new(),
            });
        }
        let dep = Dependency {
            kind: edge_kind_value,
            strength: strength_value,
            probability: probability.map(|s| s.value),
            observation: observation.map(Box::new),
            origin,
        };
        (dep, conflicts)
    }

    /// Edge record `pos`: its fragment, the fragment's origin, and its
    /// attributes (`None` for a record that states none); `None` for a
    /// position with no attributes entry (a loader's bug).
    fn record(&self, pos: u32) -> Option<(usize, Origin, Option<EdgeSpec>)> {
        let a = self.attributes.get(pos as usize).copied().unwrap_or(0) as usize;
        if a == 0 {
            let (f, o) = self.fragment_of_record(pos);
            return Some((f, o, None));
        }
        let (f, spec) = match self.probabilities.get(a - 1) {
            Some(&(_, f, p)) => (f, EdgeSpec { probability: Some(p), ..EdgeSpec::default() }),
            None => match self.specs.get(a - 1 - self.probabilities.len()) {
                Some(&(_, f, spec)) => (f, spec),
                None => return None,
            },
        };
        let f = f as usize;
        Some((f, self.origins.get(f).copied().unwrap_or(Origin::Placeholder), Some(spec)))
    }

    /// The fragment that holds edge record `pos`, and its origin.
    fn fragment_of_record(&self, pos: u32) -> (usize, Origin) {
        // `starts[f]` is the first record of fragment `f`; records are
        // appended fragment by fragment, so the holder is the last start at
        // or before `pos`.
        let f = self.starts.partition_point(|&start| start <= pos as usize).saturating_sub(1);
        (f, self.origins.get(f).copied().unwrap_or(Origin::Placeholder))
    }
}

/// The common case: no record has attributes and all sources have the same
/// trust, so an edge is its two ids alone, and its attributes follow from
/// the dependency's kind. See the module docs for the three passes.
fn merge_plain(edges: Vec<(u32, u32)>, kinds: &[NodeKind], origin: Origin) -> Merged {
    let n = kinds.len();
    let valid = |&(from, to): &(u32, u32)| (from as usize) < n && (to as usize) < n;
    let mut by_from = vec![0u32; n + 1];
    let mut by_to = vec![0u32; n + 1];
    for &(from, to) in edges.iter().filter(|e| valid(e)) {
        bump(&mut by_from, from as usize + 1);
        bump(&mut by_to, to as usize + 1);
    }
    prefix_sum(&mut by_from);
    prefix_sum(&mut by_to);
    let threads = parts_for(edges.len());
    // Pass 1: dependencies by dependent, in input order.
    let parts = split_evenly(&by_from, threads);
    let dependencies = scatter(&by_from, &parts, || edges.iter().filter(|e| valid(e)).copied());
    drop(edges);
    // Pass 2: dependents by dependency, ascending (the pass is stable).
    let parts = split_evenly(&by_to, threads);
    let mut sources = scatter(&by_to, &parts, || rows(&by_from, &dependencies).map(|(from, to)| (to, from)));
    drop(dependencies);
    // Duplicates are adjacent now: keep the first, drop self-loops.
    let mut rev_offsets = by_to;
    let mut piece = Piece::new(0);
    let mut kept = 0usize;
    let mut start = 0usize;
    for to in 0..n {
        let end = rev_offsets.get(to + 1).copied().unwrap_or(0) as usize;
        let mut previous = None;
        for i in start..end {
            let Some(&from) = sources.get(i) else { break };
            if previous == Some(from) {
                continue;
            }
            previous = Some(from);
            if from as usize == to {
                piece.self_loop(from);
            } else {
                if let Some(slot) = sources.get_mut(kept) {
                    *slot = from;
                }
                kept += 1;
            }
        }
        start = end;
        if let Some(o) = rev_offsets.get_mut(to + 1) {
            *o = u32::try_from(kept).unwrap_or(u32::MAX);
        }
    }
    sources.truncate(kept);
    sources.shrink_to_fit();
    // Pass 3: dependencies by dependent, ascending.
    let (fwd_offsets, targets) = forward_rows(&rev_offsets, &sources);
    // Every edge into a node has the same default probability.
    let mut probability = vec![0f32; sources.len()];
    for (to, w) in rev_offsets.windows(2).enumerate() {
        let (a, b) = (w.first().copied().unwrap_or(0) as usize, w.last().copied().unwrap_or(0) as usize);
        let kind = default_edge_kind(kinds.get(to).copied());
        let p = Probability::default_for(kind, Strength::Hard).get() as f32;
        if let Some(row) = probability.get_mut(a..b) {
            row.fill(p);
        }
    }
    Merged {
        offsets: fwd_offsets,
        targets,
        deps: Edges::Plain(origin),
        reverse: Some(Reverse::from_rows(rev_offsets, sources, probability)),
        events: piece.events,
        self_loops: piece.self_loops,
    }
}

/// The forward rows of the reverse rows `rev_offsets` (`n + 1` entries)
/// over `sources` (every source below `n`): the offsets and targets of
/// each node's dependencies, each row ascending (the reverse rows are read
/// in order), in one counting pass and one scattered write split across
/// rayon's threads. The same rows whatever the number of threads.
pub(crate) fn forward_rows(rev_offsets: &[u32], sources: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = rev_offsets.len().saturating_sub(1);
    let mut offsets = vec![0u32; n + 1];
    for &from in sources {
        bump(&mut offsets, from as usize + 1);
    }
    prefix_sum(&mut offsets);
    let parts = split_evenly(&offsets, parts_for(sources.len()));
    let targets = scatter(&offsets, &parts, || rows(rev_offsets, sources).map(|(to, from)| (from, to)));
    (offsets, targets)
}

/// Records in buckets by dependent.
struct Bucketed<T> {
    /// `n + 1` offsets into `items`.
    offsets: Vec<u32>,
    items: Vec<T>,
    /// Ranges of dependents `lo..hi` holding about equal numbers of
    /// records, covering `0..n` in order.
    parts: Vec<(usize, usize)>,
}

/// A stable counting sort of `edges` by dependent: `item(position,
/// dependency)` for every record, bucket by bucket, each bucket in input
/// order. Records naming no dependent are dropped.
fn bucket_by_dependent<T: Copy + Default + Send + Sync>(
    edges: &[(u32, u32)],
    n: usize,
    item: impl Fn(u32, u32) -> T + Sync,
) -> Bucketed<T> {
    let mut offsets = vec![0u32; n + 1];
    for &(from, _) in edges {
        bump(&mut offsets, from as usize + 1);
    }
    prefix_sum(&mut offsets);
    let parts = split_evenly(&offsets, parts_for(edges.len()));
    let items = scatter(&offsets, &parts, || (0u32..).zip(edges).map(|(pos, &(from, to))| (from, item(pos, to))));
    Bucketed { offsets, items, parts }
}

/// How many pieces to split `work` items into.
fn parts_for(work: usize) -> usize {
    if work < 1 << 16 { 1 } else { rayon::current_num_threads().clamp(1, MAX_PARTS) }
}

/// The values of `items()` (pairs of a key and a value, keys below
/// `offsets.len() - 1`; others are dropped) in buckets by key, each bucket
/// in the order `items()` yields them: a stable counting sort whose
/// bucket offsets `offsets` were counted beforehand.
///
/// Each range of `parts` is written by one rayon task, which reads all
/// items and keeps those of its range: reads are sequential and cheap,
/// the scattered writes are what costs, and they are split.
fn scatter<T, I>(offsets: &[u32], parts: &[(usize, usize)], items: impl Fn() -> I + Sync) -> Vec<T>
where
    T: Copy + Default + Send + Sync,
    I: Iterator<Item = (u32, T)>,
{
    let total = offsets.last().copied().unwrap_or(0) as usize;
    let mut out = vec![T::default(); total];
    let slices = split_parts(&mut out, offsets, parts);
    slices.into_par_iter().for_each(|((lo, hi), slice)| {
        let base = offsets.get(lo).copied().unwrap_or(0);
        let mut cursor: Vec<u32> = offsets.get(lo..hi).unwrap_or_default().iter().map(|&o| o - base).collect();
        for (key, value) in items() {
            let k = (key as usize).wrapping_sub(lo);
            if let Some(c) = cursor.get_mut(k) {
                if let Some(slot) = slice.get_mut(*c as usize) {
                    *slot = value;
                }
                *c += 1;
            }
        }
    });
    out
}

/// The entries of compressed rows as `(row, value)`, row by row.
fn rows<'a>(offsets: &'a [u32], values: &'a [u32]) -> impl Iterator<Item = (u32, u32)> + 'a {
    offsets.windows(2).zip(0u32..).flat_map(move |(w, row)| {
        let (a, b) = (w.first().copied().unwrap_or(0) as usize, w.last().copied().unwrap_or(0) as usize);
        values.get(a..b).unwrap_or_default().iter().map(move |&v| (row, v))
    })
}

fn bump(counts: &mut [u32], i: usize) {
    if let Some(c) = counts.get_mut(i) {
        *c += 1;
    }
}

fn prefix_sum(counts: &mut [u32]) {
    let mut acc = 0u32;
    for c in counts.iter_mut() {
        acc += *c;
        *c = acc;
    }
}

/// Splits the nodes `0..n` (`offsets` has `n + 1` entries) into at most
/// `count` ranges holding about equal numbers of records.
fn split_evenly(offsets: &[u32], count: usize) -> Vec<(usize, usize)> {
    let n = offsets.len().saturating_sub(1);
    let total = u64::from(offsets.last().copied().unwrap_or(0));
    let mut parts = Vec::with_capacity(count);
    let mut lo = 0;
    for k in 1..=count {
        let hi = if k == count {
            n
        } else {
            let target = total * k as u64 / count as u64;
            offsets.partition_point(|&o| u64::from(o) < target).min(n).max(lo)
        };
        if hi > lo || (k == count && parts.is_empty()) {
            parts.push((lo, hi));
        }
        lo = hi;
    }
    parts
}

/// The slices of `items` that hold the buckets of each range of `parts`.
fn split_parts<'a, T>(
    items: &'a mut [T],
    offsets: &[u32],
    parts: &[(usize, usize)],
) -> Vec<((usize, usize), &'a mut [T])> {
    let mut out = Vec::with_capacity(parts.len());
    let mut rest = items;
    for &(lo, hi) in parts {
        let len = offsets.get(hi).copied().unwrap_or(0) as usize - offsets.get(lo).copied().unwrap_or(0) as usize;
        let (head, tail) = rest.split_at_mut(len.min(rest.len()));
        out.push(((lo, hi), head));
        rest = tail;
    }
    out
}

/// Something to report about an edge once node ids are at hand.
enum Event {
    SelfLoop(u32),
    Conflict { from: u32, to: u32, first: usize, second: usize, message: String },
}

/// What one range of dependents gave.
struct Piece {
    /// Edges kept, per dependent of the range.
    counts: Vec<u32>,
    targets: Vec<u32>,
    deps: Vec<Dependency>,
    /// The propagation probability of each edge kept.
    probability: Vec<f32>,
    events: Vec<Event>,
    self_loops: usize,
}

impl Piece {
    fn new(nodes: usize) -> Self {
        Self {
            counts: vec![0; nodes],
            targets: Vec::new(),
            deps: Vec::new(),
            probability: Vec::new(),
            events: Vec::new(),
            self_loops: 0,
        }
    }

    fn self_loop(&mut self, node: u32) {
        if self.self_loops < SELF_LOOP_WARNINGS {
            self.events.push(Event::SelfLoop(node));
        }
        self.self_loops += 1;
    }
}

/// The merged edges, sorted by `(dependent, dependency)`.
pub(super) struct Merged {
    /// `n + 1` offsets into `targets`.
    pub(super) offsets: Vec<u32>,
    pub(super) targets: Vec<u32>,
    /// The attributes of the edges.
    pub(super) deps: Edges,
    /// The reverse adjacency, if merging made it on the way.
    pub(super) reverse: Option<Reverse>,
    events: Vec<Event>,
    self_loops: usize,
}

/// The attributes of merged edges.
pub(super) enum Edges {
    /// Each edge's, by edge number, with its propagation probability.
    Stated(Vec<Dependency>, Vec<f32>),
    /// Those of an edge that no source gives attributes and whose sources
    /// have this trust: they follow from the dependency's kind.
    Plain(Origin),
}

impl Edges {
    /// Each edge's attributes and propagation probability (see
    /// [`Edges::into_attributes`]).
    pub(super) fn into_parts(self, targets: &[u32], kinds: &[NodeKind]) -> (EdgeAttributes, Vec<f32>) {
        match self {
            Edges::Stated(deps, probability) => (EdgeAttributes::Each(deps), probability),
            Edges::Plain(origin) => {
                let p = |to: &u32| {
                    let kind = default_edge_kind(kinds.get(*to as usize).copied());
                    Probability::default_for(kind, Strength::Hard).get() as f32
                };
                let probability = targets.par_iter().with_min_len(4096).map(p).collect();
                (EdgeAttributes::plain(origin), probability)
            }
        }
    }

    /// Each edge's attributes: its own when sources stated any, otherwise
    /// those that follow from its dependency's kind (nothing per edge).
    pub(super) fn into_attributes(self) -> EdgeAttributes {
        match self {
            Edges::Stated(deps, _) => EdgeAttributes::Each(deps),
            Edges::Plain(origin) => EdgeAttributes::plain(origin),
        }
    }
}

impl Merged {
    /// Joins the pieces of consecutive ranges, in order.
    fn join(pieces: Vec<Piece>, n: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u32);
        let mut acc = 0u32;
        let mut targets = Vec::new();
        let mut deps: Vec<Dependency> = Vec::new();
        let mut probability = Vec::new();
        let mut events = Vec::new();
        let mut self_loops = 0;
        let total: usize = pieces.iter().map(|p| p.targets.len()).sum();
        for piece in pieces {
            for c in piece.counts {
                acc += c;
                offsets.push(acc);
            }
            if targets.is_empty() {
                targets = piece.targets;
                deps = piece.deps;
                probability = piece.probability;
                // Exact, so that the arrays hold no spare room for good.
                targets.reserve_exact(total - targets.len());
                deps.reserve_exact(total - deps.len());
                probability.reserve_exact(total - probability.len());
            } else {
                targets.extend_from_slice(&piece.targets);
                deps.extend(piece.deps);
                probability.extend_from_slice(&piece.probability);
            }
            events.extend(piece.events);
            self_loops += piece.self_loops;
        }
        offsets.resize(n + 1, acc);
        Self { offsets, targets, deps: Edges::Stated(deps, probability), reverse: None, events, self_loops }
    }

    /// Records the warnings: self-loops dropped and conflicting edge
    /// attributes, in edge order.
    pub(super) fn report(&self, nodes: &[Node], files: &[String], warnings: &mut Warnings) {
        let name = |i: u32| nodes.get(i as usize).map_or("", Node::id);
        let file = |f: usize| files.get(f).map_or("(unknown)", String::as_str);
        let mut self_loops = 0;
        for event in &self.events {
            match event {
                Event::SelfLoop(node) => {
                    self_loops += 1;
                    if self_loops <= SELF_LOOP_WARNINGS {
                        warnings.push(Warning::new(
                            "(merged graph)",
                            format!("node `{}`", name(*node)),
                            // Sources drop the self-loops they state, naming
                            // the place: one left here is made by the merge,
                            // which joins another name of a node to it.
                            "self-loop dropped: the node depends on itself once its other names (aliases) are joined, \
                             which adds no blast radius",
                        ));
                    }
                }
                Event::Conflict { from, to, first, second, message } => {
                    warnings.push(Warning::new(
                        file(*second),
                        format!("edge `{}` -> `{}`", name(*from), name(*to)),
                        format!("{message} (the other: {})", file(*first)),
                    ));
                }
            }
        }
        if self.self_loops > SELF_LOOP_WARNINGS {
            warnings.push(Warning::new(
                "(merged graph)",
                "",
                format!("{} more self-loops dropped", self.self_loops - SELF_LOOP_WARNINGS),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Records over `n` nodes: duplicates (dependencies drawn from a small
    /// pool half of the time), self-loops, and a few naming no node.
    fn records(n: u32, m: usize, mut state: u64) -> Vec<(u32, u32)> {
        let mut next = move |bound: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(bound)) as u32
        };
        (0..m)
            .map(|_| {
                let from = next(n);
                let to = match next(100) {
                    0 => from,
                    1 => NO_NODE,
                    2 => n + 3,
                    3..50 => next(n.min(20)),
                    _ => next(n),
                };
                (from, to)
            })
            .collect()
    }

    fn general(edges: Vec<(u32, u32)>, kinds: &[NodeKind]) -> Merged {
        let records = Records { edges, origins: vec![Origin::Listed], starts: vec![0], ..Records::default() };
        records.merge_general(kinds, None)
    }

    /// The self-loops reported one by one (each piece keeps its first ten).
    fn self_loops(merged: &Merged) -> Vec<u32> {
        let loops = merged.events.iter().filter_map(|e| if let Event::SelfLoop(v) = e { Some(*v) } else { None });
        loops.take(SELF_LOOP_WARNINGS).collect()
    }

    fn bits(probability: &[f32]) -> Vec<u32> {
        probability.iter().map(|p| p.to_bits()).collect()
    }

    #[test]
    fn plain_and_general_merges_agree_on_any_number_of_threads() {
        for (n, m, seed) in [(1u32, 5, 1u64), (50, 400, 2), (3000, 200_000, 3)] {
            let kinds: Vec<NodeKind> = (0..n as usize).map(|i| NodeKind::ALL[i % NodeKind::ALL.len()]).collect();
            let edges = records(n, m, seed);
            let expected: BTreeSet<(u32, u32)> =
                edges.iter().copied().filter(|&(a, b)| a != b && a < n && b < n).collect();
            let mut seen = None;
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let (plain, general) = pool
                    .install(|| (merge_plain(edges.clone(), &kinds, Origin::Listed), general(edges.clone(), &kinds)));
                let got: Vec<(u32, u32)> = rows(&plain.offsets, &plain.targets).collect();
                assert_eq!(got, expected.iter().copied().collect::<Vec<_>>());
                assert_eq!((&plain.offsets, &plain.targets), (&general.offsets, &general.targets));
                assert_eq!((plain.self_loops, self_loops(&plain)), (general.self_loops, self_loops(&general)));
                let (plain_deps, plain_p) = plain.deps.into_parts(&plain.targets, &kinds);
                let (general_deps, general_p) = general.deps.into_parts(&general.targets, &kinds);
                let plain_deps = plain_deps.expand(&plain.targets, &kinds);
                assert_eq!(plain_deps, general_deps.expand(&general.targets, &kinds));
                assert_eq!(bits(&plain_p), bits(&general_p));
                let made = plain.reverse.unwrap();
                let scattered = Reverse::new(&general.offsets, &general.targets, &general_p);
                assert_eq!(made.parts(), scattered.parts());
                let this = (plain.offsets, plain.targets, plain_deps, made.parts().2);
                if let Some(previous) = &seen {
                    assert_eq!(previous, &this, "{threads} threads");
                }
                seen = Some(this);
            }
        }
    }
}
