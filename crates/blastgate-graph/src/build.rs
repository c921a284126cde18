//! Merging fragments into one validated [`ServiceGraph`].
//!
//! Merge rules (documented in docs/formats.md, "Merging sources"):
//! - the same id is the same node, whatever file names it;
//! - for each attribute the most trusted source wins ([`Origin`]: declared >
//!   observed > listed); between sources of equal trust the riskier value
//!   wins whatever the order ([`Prefer`]) and a warning names both values;
//! - edges are deduplicated by `(dependent, dependency)`; call and error
//!   counts are summed over all records;
//! - a node that is referred to but declared nowhere becomes an `external`
//!   node with a warning, or a [`GraphError::Dangling`] error in strict mode;
//! - self-loops are dropped with a warning.
//!
//! # Performance
//!
//! Building runs in phases, each a pass over flat arrays, and uses rayon's
//! threads where phases are independent: the nodes are made while the edges
//! are sorted and merged ([`edges`]), and the petgraph graph is built while
//! the reverse adjacency of the frozen graph is. Every phase's output is
//! the same whatever the number of threads: work is split into ranges of
//! nodes and the pieces are joined in order.

mod edges;

pub(crate) use edges::forward_rows;
pub(crate) use edges::propagation;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;

use crate::error::{ErrorDetail, GraphError};
use crate::fragment::{GraphFragment, NameIndex, Warning};
use crate::frozen::{Csr, Reverse};
use crate::graph::ServiceGraph;
use crate::limits;
use crate::model::{
    EdgeKind, Node, NodeAttrs, NodeExtra, NodeKind, NodeSpec, Origin, Probability, Strength, Tier, Traffic,
};

/// Most warnings kept; past it one summary warning counts the rest.
pub const MAX_WARNINGS: usize = 1000;

/// How many warnings of one kind a report quotes ([`sample_warnings`]).
pub const WARNINGS_SHOWN: usize = 3;

/// The warnings a report quotes of many: the first [`WARNINGS_SHOWN`] of
/// `warnings` in sorted order, each once, and how many other distinct ones
/// there are. Sorted, not first come: which ones are quoted must not
/// depend on the order of the input (an assessment's bytes depend only
/// on its inputs' content). Used for an assessment's graph warnings and
/// for a plan's warnings of each kind.
///
/// # Complexity
/// `O(n log n)` in the number of warnings.
pub fn sample_warnings(warnings: Vec<String>) -> (Vec<String>, usize) {
    sample_warnings_up_to(warnings, WARNINGS_SHOWN)
}

/// [`sample_warnings`] quoting up to `shown` warnings.
///
/// # Complexity
/// `O(n log n)` in the number of warnings.
pub fn sample_warnings_up_to(mut warnings: Vec<String>, shown: usize) -> (Vec<String>, usize) {
    warnings.sort_unstable();
    warnings.dedup();
    let more = warnings.len().saturating_sub(shown);
    warnings.truncate(shown);
    (warnings, more)
}

/// How a graph is built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildOptions {
    /// Make references to undeclared nodes errors instead of warnings.
    pub strict: bool,
}

impl BuildOptions {
    /// Options with strict mode set as given.
    pub fn strict(strict: bool) -> Self {
        Self { strict }
    }
}

/// Collects fragments from one or more sources and merges them.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    options: BuildOptions,
    fragments: Vec<GraphFragment>,
    edges: u64,
}

impl GraphBuilder {
    /// A builder with `options`.
    pub fn new(options: BuildOptions) -> Self {
        Self { options, fragments: Vec::new(), edges: 0 }
    }

    /// Adds a fragment. Fragments added earlier win ties (see the module
    /// docs).
    ///
    /// # Errors
    /// [`GraphError::LimitExceeded`] if the fragments together exceed
    /// [`limits::MAX_EDGES`] edge records.
    pub fn add(&mut self, fragment: GraphFragment) -> Result<(), GraphError> {
        self.edges += fragment.edges.len() as u64;
        if self.edges > limits::MAX_EDGES {
            return Err(GraphError::limit(&fragment.file, "max_edges", limits::MAX_EDGES, self.edges));
        }
        self.fragments.push(fragment);
        Ok(())
    }

    /// Merges the fragments into a graph.
    ///
    /// # Errors
    /// [`GraphError::Dangling`] in strict mode; [`GraphError::LimitExceeded`]
    /// if the merged graph has more than [`limits::MAX_NODES`] nodes.
    ///
    /// # Complexity
    /// `O(V + E)` plus sorting each node's dependencies.
    pub fn build(self) -> Result<ServiceGraph, GraphError> {
        let GraphBuilder { options, mut fragments, .. } = self;
        // In file-name order (stable for a name given twice): the merged
        // graph never depends on the inputs' order, and so the file each
        // warning names (the first to state a losing value, the other side
        // of a conflict, the first reference to an undeclared node) does
        // not either (a red team: `s1.yaml` or `s2.yaml` was named by
        // which came first, and the snapshot's bytes moved with it).
        fragments.sort_by(|a, b| a.file.cmp(&b.file));
        warn_shared_names(&mut fragments);
        join_aliases(&mut fragments);
        join_case_variants(&mut fragments);
        warn_normalisation_twins(&mut fragments);
        warn_case_twins(&mut fragments);
        for fragment in &mut fragments {
            for (node, _, place) in std::mem::take(&mut fragment.data_self_loops) {
                fragment.self_loop(node, || place.into_string());
            }
        }
        orient_trace_links(&mut fragments);
        let mut merge = Merge::default();
        let mut locals: Vec<edges::Locals> = Vec::with_capacity(fragments.len());
        for (f, fragment) in fragments.iter_mut().enumerate() {
            locals.push(merge.add_nodes(f, fragment)?);
        }
        // Number the nodes in id order, so that everything ordered by dense
        // id (adjacency rows, ties in traversals) is ordered by id whatever
        // the order of the input.
        let new_id = crate::frozen::rank_ids(&merge.ids);
        if new_id.iter().enumerate().any(|(i, &n)| i != n as usize) {
            merge.renumber(&new_id);
            for local in &mut locals {
                local.renumber(&new_id);
            }
        }
        let mut warnings = Warnings::default();
        for fragment in &mut fragments {
            for w in std::mem::take(&mut fragment.warnings).into_iter().chain(fragment.self_loop_warnings()) {
                warnings.push(w);
            }
        }
        let mut records = edges::Records::default();
        for (f, (fragment, local)) in fragments.iter_mut().zip(&locals).enumerate() {
            records.add(f, fragment, local);
        }
        drop(locals);
        let files: Vec<String> = fragments.iter().map(|f| f.file.clone()).collect();
        drop(fragments);
        let Merge { index, ids, declared_by, first_reference, attributes } = merge;
        let resolved = resolve_nodes(&ids, &declared_by, first_reference, &attributes, &files, options, &mut warnings)?;
        drop(declared_by);
        let Resolved { origins, kinds, edge_defaults } = resolved;
        // The nodes are made while the edges are merged, then the petgraph
        // graph is built while the edges' attributes are made (and, in the
        // general case, the reverse adjacency).
        let (nodes, merged) = rayon::join(
            || make_nodes(ids, &origins, &kinds, attributes),
            || records.merge(&kinds, edge_defaults.as_deref()),
        );
        drop(origins);
        merged.report(&nodes, &files, &mut warnings);
        let edges::Merged { offsets, targets, deps, reverse, .. } = merged;
        let (graph, (deps, reverse)) = rayon::join(
            || petgraph_of(&offsets, &targets),
            || match reverse {
                Some(reverse) => (deps.into_attributes(), reverse),
                None => {
                    let (deps, probability) = deps.into_parts(&targets, &kinds);
                    let reverse = Reverse::new(&offsets, &targets, &probability);
                    (deps, reverse)
                }
            },
        );
        drop(kinds);
        let csr = Csr::new(offsets, targets, reverse);
        Ok(ServiceGraph::new(graph, nodes, deps, csr, index, warnings.finish(), files))
    }
}

/// The build-time petgraph graph of sorted, merged edges: no weights (the
/// nodes and edges are kept in arrays beside it, by index), so each edge
/// costs petgraph 16 bytes and adding one touches an 8-byte node entry.
pub(crate) fn petgraph_of(offsets: &[u32], targets: &[u32]) -> DiGraph<(), (), u32> {
    let n = offsets.len().saturating_sub(1);
    let mut graph = DiGraph::with_capacity(n, targets.len());
    for _ in 0..n {
        graph.add_node(());
    }
    for (from, window) in offsets.windows(2).enumerate() {
        let &[a, b] = window else { continue };
        for &to in targets.get(a as usize..b as usize).unwrap_or_default() {
            graph.add_edge(NodeIndex::new(from), NodeIndex::new(to as usize), ());
        }
    }
    graph
}

/// The graph's warnings: the first [`MAX_WARNINGS`] in [`warning_order`],
/// then one warning counting the rest. Chosen by that order, not first
/// come, so that which are kept does not depend on the order of the input
/// (files given in another order, lines moved: a determinism guarantee);
/// held in a bounded heap, so that a hostile input's millions of warnings
/// cost no more memory than a thousand.
#[derive(Default)]
pub(crate) struct Warnings {
    kept: std::collections::BinaryHeap<Ordered>,
    dropped: usize,
}

/// A warning ordered by [`warning_order`] (a heap keeps the greatest on
/// top, the one to drop first).
struct Ordered(Warning);

impl PartialEq for Ordered {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        warning_order(&self.0, &other.0)
    }
}

/// The order graph warnings are listed in: by file name, then by place in
/// the file with numbers compared as numbers (`line 9` before `line 10`,
/// `[2]` before `[10]`; warnings about the whole file, with no place, such
/// as counts of the rest, last), then by message. For one file that is the
/// order of the file itself.
pub(crate) fn warning_order(a: &Warning, b: &Warning) -> std::cmp::Ordering {
    a.file()
        .cmp(b.file())
        .then_with(|| a.place().is_empty().cmp(&b.place().is_empty()))
        .then_with(|| natural_order(a.place(), b.place()))
        .then_with(|| a.message().cmp(b.message()))
        .then_with(|| a.place().cmp(b.place()))
}

/// Compares `a` and `b` with runs of ASCII digits compared as numbers
/// (of any length: by value, then by how many leading zeros), the rest
/// byte by byte.
pub(crate) fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (Some((da, ra)), Some((db, rb))) = (a.split_at_checked(digits(a)), b.split_at_checked(digits(b)))
                else {
                    return a.cmp(b);
                };
                // The digits after any leading zeros: the longer is the
                // greater number, else the first that differs decides.
                let zeros = |d: &[u8]| d.iter().take_while(|&&c| c == b'0').count();
                let (va, vb) = (da.get(zeros(da)..).unwrap_or_default(), db.get(zeros(db)..).unwrap_or_default());
                let order = va.len().cmp(&vb.len()).then_with(|| va.cmp(vb)).then_with(|| da.len().cmp(&db.len()));
                if order.is_ne() {
                    return order;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (a.get(1..).unwrap_or_default(), b.get(1..).unwrap_or_default());
            }
        }
    }
}

impl Warnings {
    pub(crate) fn push(&mut self, w: Warning) {
        let w = Ordered(w);
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(w);
            return;
        }
        self.dropped += 1;
        if let Some(mut top) = self.kept.peek_mut()
            && w < *top
        {
            *top = w;
        }
    }

    fn finish(self) -> Vec<Warning> {
        let mut kept: Vec<Warning> = self.kept.into_sorted_vec().into_iter().map(|Ordered(w)| w).collect();
        if self.dropped > 0 {
            kept.push(Warning::new("(all inputs)", "", format!("{} more warnings not shown", self.dropped)));
        }
        kept
    }
}

/// One attribute value with where it came from, and the values equally
/// trusted sources stated that it won over.
#[derive(Clone)]
pub(crate) struct Slot<T> {
    pub(crate) value: T,
    pub(crate) origin: Origin,
    pub(crate) file: usize,
    /// Values of the same trust that lost to `value`, with their files.
    pub(crate) rivals: Vec<(T, usize)>,
}

/// A conflict between two sources: the file of the value kept, the file
/// of the other, message.
pub(crate) type Conflict = (usize, usize, String);

/// Offers `value` (stated by `file`, of trust `origin`) for an attribute:
/// a more trusted value replaces the slot's, an equally trusted one that
/// [`Prefer::wins_over`] it replaces it too and the loser is kept as a
/// rival (see [`report`]).
pub(crate) fn offer<T: Prefer>(slot: &mut Option<Slot<T>>, value: Option<T>, origin: Origin, file: usize) {
    let Some(value) = value else { return };
    match slot {
        None => *slot = Some(Slot { value, origin, file, rivals: Vec::new() }),
        Some(old) if origin > old.origin => *slot = Some(Slot { value, origin, file, rivals: Vec::new() }),
        Some(old) if origin == old.origin && old.value != value => {
            if value.wins_over(&old.value) {
                let mut rivals = std::mem::take(&mut old.rivals);
                if let Some(old) = slot.take() {
                    rivals.push((old.value, old.file));
                }
                *slot = Some(Slot { value, origin, file, rivals });
            } else {
                old.rivals.push((value, file));
            }
        }
        Some(_) => {}
    }
}

/// The conflicts of a merged attribute: one per distinct value that lost
/// to the kept one among equally trusted sources, in the order of the
/// values as shown. Which values lost, and so how many warnings there
/// are, does not depend on the order the sources came in (a running
/// comparison against whatever was kept so far did: three files gave two
/// warnings in one order and one in another).
pub(crate) fn report<T: Prefer>(slot: &Option<Slot<T>>, field: &str, conflicts: &mut Vec<Conflict>) {
    let Some(s) = slot else { return };
    let mut rivals: Vec<(String, usize)> =
        s.rivals.iter().filter(|(v, _)| *v != s.value).map(|(v, f)| (v.shown(), *f)).collect();
    rivals.sort_unstable();
    rivals.dedup_by(|a, b| a.0 == b.0);
    let kept = s.value.shown();
    for (other, f) in rivals {
        conflicts.push((
            s.file,
            f,
            format!(
                "`{field}` is {kept} in one source and {other} in another of the same trust; keeping {kept} ({})",
                T::WHY
            ),
        ));
    }
}

/// Which of two values stated by equally trusted sources the merge keeps.
/// The choice depends on the values only, never on which file or line came
/// first, so the merged graph is the same whatever the order of its inputs;
/// where the values have an order of risk the riskier one is kept (fail
/// closed).
pub(crate) trait Prefer: PartialEq {
    /// Why the kept value is kept, for the warning.
    const WHY: &'static str;

    /// Whether `self` is kept over `other` (they differ).
    fn wins_over(&self, other: &Self) -> bool;

    /// The value as a warning shows it.
    fn shown(&self) -> String;
}

impl Prefer for Tier {
    const WHY: &'static str = "the more critical";
    fn wins_over(&self, other: &Self) -> bool {
        self.level() < other.level()
    }
    fn shown(&self) -> String {
        format!("`{self}`")
    }
}

impl Prefer for NodeKind {
    const WHY: &'static str = "the first in the order journey, datastore, queue, cache, infrastructure, service, api, \
                               external: journeys and the kinds whose loss loses data first";
    fn wins_over(&self, other: &Self) -> bool {
        let rank = |k: &NodeKind| match k {
            NodeKind::Journey => 0,
            NodeKind::Datastore => 1,
            NodeKind::Queue => 2,
            NodeKind::Cache => 3,
            NodeKind::Infrastructure => 4,
            NodeKind::Service => 5,
            NodeKind::Api => 6,
            NodeKind::External => 7,
        };
        rank(self) < rank(other)
    }
    fn shown(&self) -> String {
        format!("`{self}`")
    }
}

impl Prefer for String {
    const WHY: &'static str = "the first in byte order";
    fn wins_over(&self, other: &Self) -> bool {
        self < other
    }
    fn shown(&self) -> String {
        format!("`{}`", self.escape_debug())
    }
}

impl Prefer for Traffic {
    const WHY: &'static str = "the higher";
    fn wins_over(&self, other: &Self) -> bool {
        self.get().total_cmp(&other.get()).is_gt()
    }
    fn shown(&self) -> String {
        format!("`{}`", self.get())
    }
}

impl Prefer for bool {
    const WHY: &'static str = "user-facing, the riskier";
    fn wins_over(&self, other: &Self) -> bool {
        *self && !*other
    }
    fn shown(&self) -> String {
        format!("`{self}`")
    }
}

impl Prefer for EdgeKind {
    const WHY: &'static str = "the kind that propagates failures more (infrastructure, data, sync, async)";
    fn wins_over(&self, other: &Self) -> bool {
        // By the defaults they imply, hard and soft alike: infrastructure
        // 0.95 / 0.5, data 0.95 / 0.4, sync 0.9 / 0.3, async 0.5 / 0.2.
        let rank = |k: &EdgeKind| match k {
            EdgeKind::Infrastructure => 0,
            EdgeKind::Data => 1,
            EdgeKind::Sync => 2,
            EdgeKind::Async => 3,
        };
        rank(self) < rank(other)
    }
    fn shown(&self) -> String {
        format!("`{self}`")
    }
}

impl Prefer for Strength {
    const WHY: &'static str = "hard, the riskier";
    fn wins_over(&self, other: &Self) -> bool {
        *self == Strength::Hard && *other != Strength::Hard
    }
    fn shown(&self) -> String {
        format!("`{}`", self.as_str())
    }
}

impl Prefer for Probability {
    const WHY: &'static str = "the higher";
    fn wins_over(&self, other: &Self) -> bool {
        self.get().total_cmp(&other.get()).is_gt()
    }
    fn shown(&self) -> String {
        format!("`{}`", self.get())
    }
}

/// The attributes of a node being merged. Only nodes that some source
/// gives attributes have one: large edge lists have millions of nodes with
/// none.
#[derive(Default)]
struct MergedAttributes {
    kind: Option<Slot<NodeKind>>,
    tier: Option<Slot<Tier>>,
    owner: Option<Slot<String>>,
    system: Option<Slot<String>>,
    traffic: Option<Slot<Traffic>>,
    user_facing: Option<Slot<bool>>,
    labels: HashMap<String, Slot<String>>,
    /// The edge kind the stated kinds imply for edges into the node: the
    /// most trusted, and of equally trusted ones the one that propagates
    /// more. A queue's edges are async; when another source of the same
    /// trust says the node is a service, its edges stay as strong as a
    /// service's although the kind kept is the queue's.
    edge_default: Option<(Origin, EdgeKind)>,
}

impl MergedAttributes {
    /// Takes in what fragment `f` (of trust `origin`) says about the node.
    fn absorb(&mut self, f: usize, origin: Origin, spec: NodeSpec) {
        let NodeSpec { kind, tier, owner, system, labels, traffic, user_facing } = spec;
        // A journey stated without a tier counts as tier 0 (the rules treat
        // every journey as critical), and says so here, so that another
        // source's `tier: 3` for the same id cannot make it a tier-3
        // journey that no source described (a red team: impact fell five
        // times, senior became owner, with no word).
        let tier = tier.or((kind == Some(NodeKind::Journey)).then_some(Tier::CRITICAL));
        if let Some(k) = kind {
            let implied = default_edge_kind(Some(k));
            self.edge_default = match self.edge_default {
                Some((o, old)) if o > origin || (o == origin && !implied.wins_over(&old)) => Some((o, old)),
                _ => Some((origin, implied)),
            };
        }
        offer(&mut self.kind, kind, origin, f);
        offer(&mut self.tier, tier, origin, f);
        offer(&mut self.owner, owner, origin, f);
        offer(&mut self.system, system, origin, f);
        offer(&mut self.traffic, traffic, origin, f);
        offer(&mut self.user_facing, user_facing, origin, f);
        for (key, value) in labels {
            let mut slot = self.labels.remove(&key);
            offer(&mut slot, Some(value), origin, f);
            if let Some(slot) = slot {
                self.labels.insert(key, slot);
            }
        }
    }

    /// The conflicts between equally trusted sources, attribute by
    /// attribute (labels by name).
    fn conflicts(&self) -> Vec<Conflict> {
        let mut c = Vec::new();
        report(&self.kind, "kind", &mut c);
        report(&self.tier, "tier", &mut c);
        let before = c.len();
        report(&self.owner, "owner", &mut c);
        for (_, _, message) in c.iter_mut().skip(before) {
            message.push_str("; the other is a co-owner (label `co_owners`) and approves too");
        }
        report(&self.system, "system", &mut c);
        report(&self.traffic, "traffic", &mut c);
        report(&self.user_facing, "user_facing", &mut c);
        let mut keys: Vec<&String> = self.labels.keys().collect();
        keys.sort_unstable();
        for key in keys {
            report(&self.labels.get(key).cloned(), &format!("labels.{key}"), &mut c);
        }
        c
    }
}

/// The nodes being merged, column by column, by global id.
#[derive(Default)]
struct Merge {
    index: NameIndex,
    ids: Vec<Box<str>>,
    /// The most trusted origin of a fragment that declares the node; `None`
    /// while only references name it.
    declared_by: Vec<Option<Origin>>,
    /// Where a fragment that does not declare the node first referred to it
    /// (fragment, place).
    first_reference: BTreeMap<u32, (usize, Box<str>)>,
    attributes: BTreeMap<u32, MergedAttributes>,
}

impl Merge {
    /// Renumbers the nodes: global id `g` becomes `new_id[g]`, a
    /// permutation.
    fn renumber(&mut self, new_id: &[u32]) {
        let at = |g: u32| new_id.get(g as usize).copied().unwrap_or(g);
        let mut ids: Vec<Box<str>> = vec![Box::from(""); self.ids.len()];
        let mut declared_by = vec![None; self.declared_by.len()];
        for (g, (id, d)) in (0u32..).zip(std::mem::take(&mut self.ids).into_iter().zip(&self.declared_by)) {
            let n = at(g) as usize;
            if let (Some(slot), Some(dslot)) = (ids.get_mut(n), declared_by.get_mut(n)) {
                *slot = id;
                *dslot = *d;
            }
        }
        self.ids = ids;
        self.declared_by = declared_by;
        self.first_reference = std::mem::take(&mut self.first_reference).into_iter().map(|(g, v)| (at(g), v)).collect();
        self.attributes = std::mem::take(&mut self.attributes).into_iter().map(|(g, v)| (at(g), v)).collect();
        self.index.renumber(new_id);
    }

    /// Interns a fragment's nodes; returns the global id of each local id.
    fn add_nodes(&mut self, f: usize, fragment: &mut GraphFragment) -> Result<edges::Locals, GraphError> {
        let origin = fragment.origin;
        let renamed = fragment.renamed;
        let ids = std::mem::take(&mut fragment.ids);
        let declared = std::mem::take(&mut fragment.declared);
        let mut specs = std::mem::take(&mut fragment.specs).into_iter().peekable();
        let mut places = std::mem::take(&mut fragment.places).into_iter().peekable();
        if self.ids.is_empty() && !renamed {
            // Fast path for the first fragment: its dense ids become the
            // global ones and its ids and index are taken as they are, with
            // no lookup per node. INVARIANT: a fragment's index maps each id
            // to its position in the fragment's `ids`.
            if ids.len() as u64 > limits::MAX_NODES {
                return Err(GraphError::limit(&fragment.file, "max_nodes", limits::MAX_NODES, ids.len() as u64));
            }
            self.index = std::mem::take(&mut fragment.index);
            let count = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            self.ids = ids;
            self.declared_by = declared.iter().map(|&d| d.then_some(origin)).collect();
            for (local, place) in places {
                if !declared.get(local as usize).copied().unwrap_or(true) {
                    self.first_reference.entry(local).or_insert((f, place));
                }
            }
            for (local, spec) in specs {
                self.attributes.entry(local).or_default().absorb(f, origin, spec);
            }
            return Ok(edges::Locals::Same(count));
        }
        let mut local_to_global = Vec::with_capacity(ids.len());
        self.index.reserve(ids.len());
        for ((local, id), declared) in (0u32..).zip(ids).zip(declared) {
            let hash = self.index.hash(&id);
            let found = self.index.find(hash, &id, |g| self.ids.get(g as usize).map(|s| &**s));
            let global = match found {
                Ok(g) => g,
                Err(vacant) => {
                    if self.ids.len() as u64 >= limits::MAX_NODES {
                        let observed = self.ids.len() as u64 + 1;
                        return Err(GraphError::limit(&fragment.file, "max_nodes", limits::MAX_NODES, observed));
                    }
                    let g = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                    self.ids.push(id);
                    self.declared_by.push(None);
                    self.index.insert(vacant, g);
                    g
                }
            };
            let place = places.next_if(|(l, _)| *l == local).map(|(_, p)| p);
            if declared {
                if let Some(d) = self.declared_by.get_mut(global as usize) {
                    *d = Some(d.map_or(origin, |o| o.max(origin)));
                }
            } else {
                self.first_reference.entry(global).or_insert_with(|| (f, place.unwrap_or_default()));
            }
            if let Some((_, spec)) = specs.next_if(|(l, _)| *l == local) {
                self.attributes.entry(global).or_default().absorb(f, origin, spec);
            }
            local_to_global.push(global);
        }
        Ok(edges::Locals::Map(local_to_global))
    }
}

/// Renames, in every fragment, the ids that are another name of a declared
/// node ([`GraphFragment::alias`]): a trace's `payments` becomes the
/// catalog's `component:payments`, so that the two sources describe one
/// node instead of two disconnected ones (whose radius would miss the
/// catalog's tiers and owners). An id that a declaring source (native or
/// catalog) declares itself is never renamed, unless it is an entity ref
/// (`component:default/checkout`, `component:Checkout`). Linear in the aliases times
/// the fragments, plus the renamed ids.
fn join_aliases(fragments: &mut [GraphFragment]) {
    let mut table: BTreeMap<Box<str>, AliasClaim> = BTreeMap::new();
    // The same, for the aliases of datastores only: a data edge's
    // dependency prefers one of these.
    let mut data_table: BTreeMap<Box<str>, AliasClaim> = BTreeMap::new();
    let name = |f: usize| fragments.get(f).map_or("", |g| g.file.as_str());
    for (f, fragment) in fragments.iter().enumerate() {
        for (alias, local, rank) in &fragment.aliases {
            let Some(target) = fragment.ids.get(*local as usize) else { continue };
            let is_datastore = fragment.specs.get(local).and_then(|s| s.kind) == Some(NodeKind::Datastore);
            claim(&mut table, alias, *rank, target, f, &name);
            if is_datastore {
                claim(&mut data_table, alias, *rank, target, f, &name);
            }
        }
    }
    if table.is_empty() {
        return;
    }
    let declared_by_people = |id: &str, fragments: &[GraphFragment]| {
        fragments.iter().any(|g| {
            g.origin == Origin::Declared
                && g.local_of(id).is_some_and(|l| g.declared.get(l as usize).copied().unwrap_or(false))
        })
    };
    // A declared id keeps its own node, unless it is an entity ref: only a
    // catalog names its nodes `kind:name`, so a native document declaring
    // `component:default/checkout` (the full ref Backstage shows) or
    // `component:Checkout` means the entity `component:checkout`, and its
    // attributes merge into it (a red team: the overlay's tier 0 landed on
    // a node of its own, unconnected, and the change went out a depth
    // lower). A plain name (`payments` beside `component:payments`) may be
    // another service, and keeps its node ([`warn_shared_names`]).
    let keeps_own = |id: &str, fragments: &[GraphFragment]| !id.contains(':') && declared_by_people(id, fragments);
    let mut joins: HashMap<Box<str>, Box<str>> = HashMap::new();
    for (alias, (_, target, f)) in &table {
        // A node's own id as an alias is there for ids in another case; a
        // declared id that is another node's alias keeps its own node.
        if target.as_ref().is_none_or(|t| t != alias) && keeps_own(alias, fragments) {
            continue;
        }
        match target {
            Some(target) => {
                joins.insert(alias.clone(), target.clone());
            }
            None => {
                if let Some(fragment) = fragments.get_mut(*f) {
                    fragment.warn(
                        String::new(),
                        format!(
                            "`{alias}` is the name of more than one catalog entity of the same kind; sources that \
                             call a node `{alias}` are not joined to any of them (name the entity by its id)"
                        ),
                    );
                }
            }
        }
    }
    if joins.is_empty() {
        return;
    }
    let data_joins: HashMap<Box<str>, Box<str>> = data_table
        .into_iter()
        .filter_map(|(alias, (_, target, _))| Some((alias, target?)))
        .filter(|(alias, target)| joins.get(alias).is_some_and(|t| t != target))
        .collect();
    if !data_joins.is_empty() {
        join_data_edges(fragments, &data_joins, declared_by_people);
    }
    // Every id that is an alias, compared without regard to ASCII case as
    // Backstage compares names (an entity `Payments` is the trace's
    // `Payments`), unless a declaring source declares that very id.
    let mut renames: Vec<(usize, usize, Box<str>)> = Vec::new();
    for (f, fragment) in fragments.iter().enumerate() {
        for (local, id) in fragment.ids.iter().enumerate() {
            let target = if id.bytes().any(|b| b.is_ascii_uppercase()) {
                joins.get(id.to_ascii_lowercase().as_str())
            } else {
                joins.get(&**id)
            };
            if let Some(target) = target
                && **target != **id
            {
                renames.push((f, local, target.clone()));
            }
        }
    }
    renames.retain(|(f, local, _)| {
        let id = fragments.get(*f).and_then(|g| g.ids.get(*local)).map_or("", |id| &**id);
        !keeps_own(id, fragments)
    });
    for (f, local, target) in renames {
        if let Some(fragment) = fragments.get_mut(f)
            && let Some(id) = fragment.ids.get_mut(local)
        {
            *id = target;
            fragment.renamed = true;
        }
    }
}

/// An id in normal form C and lower case; borrowed when it is so already.
fn fold(id: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if id.is_ascii() {
        if id.bytes().any(|b| b.is_ascii_uppercase()) {
            return std::borrow::Cow::Owned(id.to_ascii_lowercase());
        }
        return std::borrow::Cow::Borrowed(id);
    }
    let folded: String = id.nfc().map(|c| c.to_ascii_lowercase()).collect();
    if folded == id { std::borrow::Cow::Borrowed(id) } else { std::borrow::Cow::Owned(folded) }
}

/// Warns, in the native document's name, when it declares a node whose
/// id is, ignoring case, the plain name of a catalog entity another file
/// declares (`Payments` or `payments` beside `component:payments`): two
/// declared nodes, of which sources that call the service by its name
/// join one, so a change to the other misses their edges (an audit of the
/// case join found this silent). Linear in the ids and aliases.
fn warn_shared_names(fragments: &mut [GraphFragment]) {
    // Catalog entities by plain name (lower case): the smallest id.
    let mut names: BTreeMap<String, Box<str>> = BTreeMap::new();
    for g in fragments.iter() {
        for (alias, local, _) in &g.aliases {
            if alias.contains(':') || alias.contains('/') {
                continue;
            }
            let Some(entity) = g.ids.get(*local as usize) else { continue };
            let slot = names.entry(fold(alias).into_owned()).or_insert_with(|| entity.clone());
            if entity < slot {
                *slot = entity.clone();
            }
        }
    }
    if names.is_empty() {
        return;
    }
    let mut warnings: Vec<(usize, String)> = Vec::new();
    for (f, g) in fragments.iter().enumerate().filter(|(_, g)| g.origin == Origin::Declared && g.aliases.is_empty()) {
        for (id, _) in g.ids.iter().zip(&g.declared).filter(|(id, d)| **d && !id.contains(':')) {
            if let Some(entity) = names.get(&*fold(id)) {
                warnings.push((
                    f,
                    format!(
                        "`{}` and the catalog entity `{}` share the name `{}`: they are two nodes, and sources that \
                         call the service by its name (traces, edge lists) join one of them; if they are one \
                         service, declare it once (give this node the catalog's id)",
                        crate::shorten(id),
                        crate::shorten(entity),
                        crate::shorten(&fold(id))
                    ),
                ));
            }
        }
    }
    for (f, message) in warnings {
        if let Some(fragment) = fragments.get_mut(f) {
            fragment.warn(String::new(), message);
        }
    }
}

/// Renames, in every fragment, each id that no declaring source (native,
/// catalog) declares and that differs only in ASCII case or Unicode
/// normalisation from one id a declaring source declares: traces'
/// `payments` is a native document's `Payments`, an edge list's
/// `PaymentService` its `paymentservice`, a decomposed `café` (`e` and a
/// combining accent) the composed one. One
/// service, not two nodes of which a change's radius misses the second's
/// dependents (an identity audit: a native `Payments` beside an edge
/// list's `checkout payments` made two nodes, with no warning, and a
/// change to `Payments` reached nothing). Catalog names are joined so
/// already ([`join_aliases`]), which runs first. A name that two declared
/// ids share but for case joins neither, with a warning. Only ids of
/// sources that declare nothing (traces, edge lists) are renamed. Linear
/// in the ids.
fn join_case_variants(fragments: &mut [GraphFragment]) {
    if !fragments.iter().any(|g| g.origin == Origin::Declared) || fragments.iter().all(|g| g.origin == Origin::Declared)
    {
        return;
    }
    // Every id a declaring source declares (one table, not a look-up in
    // each file per id: an audit's 3,000 native files beside a million
    // traced ids took 25 s), and those that differ from their folded form,
    // by it; `None` where two differ.
    let mut declared: HashSet<&str> = HashSet::new();
    let mut upper: BTreeMap<Box<str>, Option<Box<str>>> = BTreeMap::new();
    for g in fragments.iter().filter(|g| g.origin == Origin::Declared) {
        for (id, _) in g.ids.iter().zip(&g.declared).filter(|(_, d)| **d) {
            declared.insert(id);
            let std::borrow::Cow::Owned(key) = fold(id) else { continue };
            match upper.get_mut(key.as_str()) {
                None => {
                    upper.insert(key.into_boxed_str(), Some(id.clone()));
                }
                Some(slot) if slot.as_deref() != Some(&**id) => *slot = None,
                Some(_) => {}
            }
        }
    }
    let mut renames: Vec<(usize, usize, Box<str>)> = Vec::new();
    let mut unjoined: Vec<(usize, Box<str>)> = Vec::new();
    // Only what traces and edge lists name: a declaring source's own
    // reference in another case is a typo its author should see (a
    // dangling warning, or `--strict`'s error), not a join (an audit).
    for (f, g) in fragments.iter().enumerate().filter(|(_, g)| g.origin != Origin::Declared) {
        for (local, id) in g.ids.iter().enumerate() {
            let key = fold(id);
            if matches!(key, std::borrow::Cow::Borrowed(_)) && upper.is_empty() {
                continue;
            }
            // The declared ids `id` could be: those not in folded form, and
            // the folded one.
            let mut targets: Vec<Box<str>> = Vec::new();
            let mut tied = false;
            match upper.get(&*key) {
                Some(Some(t)) => targets.push(t.clone()),
                Some(None) => tied = true,
                None => {}
            }
            if *key != **id && declared.contains(&*key) {
                targets.push(Box::from(&*key));
            }
            targets.retain(|t| **t != **id);
            if targets.is_empty() && !tied {
                continue;
            }
            // A declared id is never renamed.
            if declared.contains(&**id) {
                continue;
            }
            match targets.as_slice() {
                [target] if !tied => renames.push((f, local, target.clone())),
                _ => unjoined.push((f, id.clone())),
            }
        }
    }
    drop(declared);
    for (f, id) in unjoined {
        if let Some(fragment) = fragments.get_mut(f) {
            fragment.warn(
                String::new(),
                format!(
                    "`{}` differs only in case or Unicode normalisation from more than one declared node id; it is joined to none of \
                     them (name the node by its id)",
                    crate::shorten(&id)
                ),
            );
        }
    }
    for (f, local, target) in renames {
        if let Some(fragment) = fragments.get_mut(f)
            && let Some(id) = fragment.ids.get_mut(local)
        {
            *id = target;
            fragment.renamed = true;
        }
    }
}

/// Warns, in each file that names one of them, about ids left after the
/// joins that are one text in two Unicode forms (a composed `café` and a
/// decomposed one, `e` and a combining accent): they look alike in every
/// listing but are two nodes, and a change that names one misses the
/// other's dependents (a red-team finding: with edge lists or traces
/// alone, which [`join_case_variants`] does not join, there was no
/// warning). Not joined, as two ids of no declaring source are not: the
/// warning names both, spelled out. Only ids that are not ASCII are
/// normalised, so linear in the ids and cheap for ASCII ones.
fn warn_normalisation_twins(fragments: &mut [GraphFragment]) {
    use unicode_normalization::UnicodeNormalization;
    let mut forms: BTreeMap<String, BTreeSet<Box<str>>> = BTreeMap::new();
    for g in fragments.iter() {
        for id in g.ids.iter().filter(|id| !id.is_ascii()) {
            forms.entry(id.nfc().collect()).or_default().insert(id.clone());
        }
    }
    forms.retain(|_, ids| ids.len() > 1);
    if forms.is_empty() {
        return;
    }
    let spelled = |id: &str| -> String {
        id.chars()
            .map(|c| if c.is_ascii() && !c.is_ascii_control() { c.to_string() } else { c.escape_unicode().to_string() })
            .collect()
    };
    for g in fragments.iter_mut() {
        let named: BTreeSet<&str> = g.ids.iter().filter(|id| !id.is_ascii()).map(|id| &**id).collect();
        let mut messages = Vec::new();
        for ids in forms.values().filter(|ids| ids.iter().any(|id| named.contains(&**id))) {
            let listed: Vec<String> =
                ids.iter().take(5).map(|id| format!("`{}`", crate::shorten(&spelled(id)))).collect();
            messages.push(format!(
                "{} are one name in different Unicode forms but two nodes: a change to one does not reach the \
                 other's dependents; write one form in every source (NFC, the composed one, as editors do)",
                listed.join(" and ")
            ));
        }
        for message in messages {
            g.warn(String::new(), message);
        }
    }
}

/// Warns, in each file that names one of them, about ASCII ids left after
/// the joins that differ only in case and that no declaring source
/// declares (`Payments` in traces, `payments` in an edge list): two nodes,
/// and a change to one does not reach the other's dependents (a red team:
/// a tier-0 caller seen only in the traces dropped out of the database's
/// radius, with no word). Not joined, as two ids of no declaring source
/// are not ([`warn_normalisation_twins`]); declared twins and a declaring
/// source's own references are warned about where they are found. Only
/// ids holding an upper-case letter start a group, so a graph written in
/// lower case costs one pass over its ids' bytes.
fn warn_case_twins(fragments: &mut [GraphFragment]) {
    let mut groups: BTreeMap<String, BTreeSet<Box<str>>> = BTreeMap::new();
    for g in fragments.iter().filter(|g| g.origin != Origin::Declared) {
        for id in g.ids.iter().filter(|id| id.is_ascii() && id.bytes().any(|b| b.is_ascii_uppercase())) {
            groups.entry(id.to_ascii_lowercase()).or_default();
        }
    }
    if groups.is_empty() {
        return;
    }
    for g in fragments.iter().filter(|g| g.origin != Origin::Declared) {
        for id in g.ids.iter().filter(|id| id.is_ascii()) {
            if let Some(group) = groups.get_mut(&*fold(id)) {
                group.insert(id.clone());
            }
        }
    }
    // A group holding an id a declaring source declares was dealt with by
    // the joins (renamed, or warned about as matching several).
    for g in fragments.iter().filter(|g| g.origin == Origin::Declared) {
        for (id, _) in g.ids.iter().zip(&g.declared).filter(|(_, d)| **d) {
            if id.is_ascii() {
                groups.remove(&*fold(id));
            }
        }
    }
    groups.retain(|_, ids| ids.len() > 1);
    if groups.is_empty() {
        return;
    }
    for g in fragments.iter_mut().filter(|g| g.origin != Origin::Declared) {
        let named: BTreeSet<&str> = g.ids.iter().map(|id| &**id).collect();
        let mut messages = Vec::new();
        for ids in groups.values().filter(|ids| ids.iter().any(|id| named.contains(&**id))) {
            let listed: Vec<String> = ids.iter().take(5).map(|id| format!("`{}`", crate::shorten(id))).collect();
            messages.push(format!(
                "{} differ only in case but are two nodes: a change to one does not reach the other's dependents; \
                 spell the service one way in every source, or declare it in a native document (whose id the \
                 other spellings join)",
                listed.join(" and ")
            ));
        }
        for message in messages {
            g.warn(String::new(), message);
        }
    }
}

/// An alias's best claim: its rank, the node (none when two of that rank
/// tie) and the fragment that made it (of tied ones, the one whose file
/// name comes first, so that a warning does not depend on the order of the
/// files).
type AliasClaim = (u8, Option<Box<str>>, usize);

/// Offers `target`'s claim of rank `rank` (made by fragment `f`) on
/// `alias`: a lower rank wins; two different targets of equal rank leave
/// the alias to none, and the claim names the fragment whose file name
/// comes first.
fn claim<'a>(
    table: &mut BTreeMap<Box<str>, AliasClaim>,
    alias: &str,
    rank: u8,
    target: &str,
    f: usize,
    name: &impl Fn(usize) -> &'a str,
) {
    match table.get_mut(alias) {
        None => {
            table.insert(Box::from(alias), (rank, Some(Box::from(target)), f));
        }
        Some(entry) if rank < entry.0 => *entry = (rank, Some(Box::from(target)), f),
        Some(entry) if rank == entry.0 => {
            if entry.1.as_deref() != Some(target) {
                entry.1 = None;
            }
            if name(f) < name(entry.2) {
                entry.2 = f;
            }
        }
        Some(_) => {}
    }
}

/// Sends each data edge (a stated kind `data`: a servicegraph
/// `connection_type=database`) whose dependency is called by an alias of
/// a datastore to that datastore, when the alias otherwise joins another
/// node (`orders` is `component:orders`, but a database called `orders`
/// is `resource:orders`), and turns the held-back data self-loops
/// ([`GraphFragment::data_self_loop`]) of such an alias into the edge from
/// the node the alias joins to the datastore. `data_joins` maps each such
/// alias to its datastore. An id a declaring source declares itself is
/// left alone, as in [`join_aliases`]. Linear in the edges with
/// attributes.
fn join_data_edges(
    fragments: &mut [GraphFragment],
    data_joins: &HashMap<Box<str>, Box<str>>,
    declared_by_people: impl Fn(&str, &[GraphFragment]) -> bool,
) {
    let datastore_of = |id: &str| {
        if id.bytes().any(|b| b.is_ascii_uppercase()) {
            data_joins.get(id.to_ascii_lowercase().as_str())
        } else {
            data_joins.get(id)
        }
    };
    // Per fragment, the local ids to redirect and their datastore.
    let mut plans: Vec<(usize, BTreeMap<u32, Box<str>>)> = Vec::new();
    for (f, fragment) in fragments.iter().enumerate() {
        let data_dependencies = fragment
            .edge_specs
            .iter()
            .filter(|(_, spec)| spec.kind == Some(EdgeKind::Data))
            .filter_map(|(position, _)| fragment.edges.get(*position as usize).map(|e| e.1))
            .chain(fragment.data_self_loops.iter().map(|(node, _, _)| *node));
        let mut plan = BTreeMap::new();
        for local in data_dependencies {
            let Some(id) = fragment.ids.get(local as usize) else { continue };
            if let Some(datastore) = datastore_of(id)
                && !declared_by_people(id, fragments)
            {
                plan.insert(local, datastore.clone());
            }
        }
        if !plan.is_empty() {
            plans.push((f, plan));
        }
    }
    for (f, plan) in plans {
        let Some(fragment) = fragments.get_mut(f) else { continue };
        // A new local node for each datastore; the index no longer matches
        // the ids, so the builder looks each id up (`renamed`).
        let mut new_local: BTreeMap<u32, u32> = BTreeMap::new();
        for (local, datastore) in plan {
            let Ok(n) = u32::try_from(fragment.ids.len()) else { return };
            fragment.ids.push(datastore);
            fragment.declared.push(true);
            new_local.insert(local, n);
        }
        fragment.renamed = true;
        for (position, spec) in &fragment.edge_specs {
            if spec.kind != Some(EdgeKind::Data) {
                continue;
            }
            if let Some(edge) = fragment.edges.get_mut(*position as usize)
                && let Some(&n) = new_local.get(&edge.1)
            {
                edge.1 = n;
            }
        }
        let loops = std::mem::take(&mut fragment.data_self_loops);
        for (node, spec, place) in loops {
            match new_local.get(&node) {
                // Past the edge limit the loop is dropped as before.
                Some(&n) => {
                    if fragment.edge(node, n, spec).is_err() {
                        fragment.self_loop(node, || place.into_string());
                    }
                }
                None => fragment.data_self_loops.push((node, spec, place)),
            }
        }
    }
}

/// Reverses the trace links ([`GraphFragment::set_trace_links`]) whose
/// parent is a queue: Zipkin and Jaeger write a message's path producer ->
/// broker -> consumer, and reading `kafka -> shipping` as a call made the
/// broker depend on its consumer, so a change to the broker missed every
/// consumer. The node's kind is the one the merge keeps (the most trusted
/// source's; of equally trusted ones, the first in [`Prefer`] order for
/// [`NodeKind`]). Each fragment gets one warning per queue whose links it
/// reversed, in id order. Linear in the nodes and edges of the fragments.
fn orient_trace_links(fragments: &mut [GraphFragment]) {
    if !fragments.iter().any(|f| f.trace_links) {
        return;
    }
    let mut kinds: HashMap<Box<str>, Option<Slot<NodeKind>>> = HashMap::new();
    for (f, fragment) in fragments.iter().enumerate() {
        for (local, spec) in &fragment.specs {
            let (Some(kind), Some(id)) = (spec.kind, fragment.ids.get(*local as usize)) else { continue };
            offer(kinds.entry(id.clone()).or_default(), Some(kind), fragment.origin, f);
        }
    }
    let is_queue = |id: &str| kinds.get(id).and_then(Option::as_ref).is_some_and(|s| s.value == NodeKind::Queue);
    for fragment in fragments.iter_mut().filter(|f| f.trace_links) {
        let mut reversed: BTreeMap<Box<str>, usize> = BTreeMap::new();
        // The consumer's dependency on the queue is added beside the link
        // as traced, never in its place: whether a node is a queue may
        // come from any file of the same trust (a one-line `kind: queue`
        // entry reversed observed calls and emptied a radius; a red-team
        // pass), and a source may add a dependency, never remove one.
        let mut added: Vec<((u32, u32), usize)> = Vec::new();
        for (i, edge) in fragment.edges.iter().enumerate() {
            let Some(parent) = fragment.ids.get(edge.0 as usize) else { continue };
            if is_queue(parent) {
                *reversed.entry(parent.clone()).or_default() += 1;
                added.push(((edge.1, edge.0), i));
            }
        }
        for (edge, from) in added {
            let Ok(at) = u32::try_from(fragment.edges.len()) else { break };
            let Ok(from) = u32::try_from(from) else { break };
            fragment.edges.push(edge);
            // Positions ascend: every new edge comes after every old one.
            if let Ok(k) = fragment.edge_probabilities.binary_search_by_key(&from, |&(i, _)| i)
                && let Some(&(_, p)) = fragment.edge_probabilities.get(k)
            {
                fragment.edge_probabilities.push((at, p));
            }
            if let Ok(k) = fragment.edge_specs.binary_search_by_key(&from, |(i, _)| *i)
                && let Some((_, spec)) = fragment.edge_specs.get(k).cloned()
            {
                fragment.edge_specs.push((at, spec));
            }
        }
        for (queue, count) in reversed {
            fragment.warn(
                String::new(),
                format!(
                    "`{}` is a queue: its {count} link{} to consumers (broker -> consumer in traces) also make \
                     each consumer depend on it (the links as traced are kept)",
                    crate::error::shorten(&queue),
                    if count == 1 { "" } else { "s" }
                ),
            );
        }
    }
}

/// The origin and kind of every node.
struct Resolved {
    origins: Vec<Origin>,
    kinds: Vec<NodeKind>,
    /// The default kind of edges into each node, when for some node it is
    /// not the one its kind implies (see `MergedAttributes::edge_default`).
    edge_defaults: Option<Vec<EdgeKind>>,
}

/// Decides each node's origin and kind, and reports attribute conflicts and
/// references to undeclared nodes (errors in strict mode), in node order.
fn resolve_nodes(
    ids: &[Box<str>],
    declared_by: &[Option<Origin>],
    mut first_reference: BTreeMap<u32, (usize, Box<str>)>,
    attributes: &BTreeMap<u32, MergedAttributes>,
    files: &[String],
    options: BuildOptions,
    warnings: &mut Warnings,
) -> Result<Resolved, GraphError> {
    let file_name = |f: usize| files.get(f).map_or("(unknown)", String::as_str);
    let mut origins = Vec::with_capacity(ids.len());
    let mut kinds = Vec::with_capacity(ids.len());
    // Nodes whose edges default to another kind than theirs implies.
    let mut stronger: Vec<(usize, EdgeKind)> = Vec::new();
    let mut attrs = attributes.iter().peekable();
    for ((g, id), declared) in (0u32..).zip(ids).zip(declared_by) {
        let a = attrs.next_if(|(k, _)| **k == g).map(|(_, a)| a);
        if let Some(a) = a {
            for (first, second, message) in &a.conflicts() {
                warnings.push(Warning::new(
                    file_name(*second),
                    format!("node `{id}`"),
                    format!("{message} (the other: {})", file_name(*first)),
                ));
            }
        }
        let origin = match *declared {
            Some(o) => o,
            None => {
                let (f, place) = first_reference.remove(&g).unwrap_or((0, Box::from("")));
                if options.strict {
                    return Err(GraphError::Dangling(ErrorDetail::new(
                        file_name(f),
                        place.to_string(),
                        id.to_string(),
                        "reference to a node that no input declares",
                    ))
                    .with_help("declare the node, fix the spelling, or drop --strict to treat it as external"));
                }
                warnings.push(Warning::new(
                    file_name(f),
                    place.to_string(),
                    format!("`{id}` is referenced but declared nowhere; treated as an external node"),
                ));
                Origin::Placeholder
            }
        };
        let default = if origin == Origin::Placeholder { NodeKind::External } else { NodeKind::Service };
        let kind = a.and_then(|a| a.kind.as_ref()).map_or(default, |s| s.value);
        if let Some((_, edge)) = a.and_then(|a| a.edge_default)
            && edge != default_edge_kind(Some(kind))
        {
            stronger.push((kinds.len(), edge));
        }
        kinds.push(kind);
        origins.push(origin);
    }
    let edge_defaults = (!stronger.is_empty()).then(|| {
        let mut defaults: Vec<EdgeKind> = kinds.iter().map(|&k| default_edge_kind(Some(k))).collect();
        for (node, edge) in stronger {
            if let Some(slot) = defaults.get_mut(node) {
                *slot = edge;
            }
        }
        defaults
    });
    Ok(Resolved { origins, kinds, edge_defaults })
}

/// The merged nodes: made in parallel with no attributes, then the few
/// nodes that have attributes are completed.
fn make_nodes(
    ids: Vec<Box<str>>,
    origins: &[Origin],
    kinds: &[NodeKind],
    attributes: BTreeMap<u32, MergedAttributes>,
) -> Vec<Node> {
    let mut nodes: Vec<Node> = ids
        .into_par_iter()
        .zip(origins.par_iter())
        .zip(kinds.par_iter())
        .with_min_len(4096)
        .map(|((id, &origin), &kind)| Node {
            id,
            attrs: NodeAttrs {
                kind,
                tier: None,
                user_facing: (kind == NodeKind::Journey).then_some(true),
                origin,
                extra: None,
            },
        })
        .collect();
    for (g, attrs) in attributes {
        let Some(node) = nodes.get_mut(g as usize) else { continue };
        node.attrs.tier = attrs.tier.map(|s| s.value);
        node.attrs.user_facing = attrs.user_facing.map(|s| s.value).or(node.attrs.user_facing);
        let mut labels: BTreeMap<String, String> = attrs.labels.into_iter().map(|(k, s)| (k, s.value)).collect();
        // Owners that equally trusted sources stated beside the one kept
        // (by byte order: owners have no order of risk) are co-owners, each
        // asked to approve (a red team: the other team was dropped from
        // the approvals, with only a warning; whoever adds a graph file
        // could move approvals to a team whose name sorts first).
        if let Some(owner) = &attrs.owner {
            let mut co: BTreeSet<&str> = labels
                .get(CO_OWNERS_LABEL)
                .map(|l| l.split(',').map(str::trim).filter(|o| !o.is_empty()).collect())
                .unwrap_or_default();
            co.extend(owner.rivals.iter().map(|(o, _)| o.as_str()));
            co.remove(owner.value.as_str());
            if !co.is_empty() {
                let joined = co.into_iter().collect::<Vec<_>>().join(",");
                labels.insert(CO_OWNERS_LABEL.to_owned(), joined);
            }
        }
        node.attrs.extra = NodeExtra {
            owner: attrs.owner.map(|s| s.value.into_boxed_str()),
            system: attrs.system.map(|s| s.value.into_boxed_str()),
            labels,
            traffic: attrs.traffic.map(|s| s.value),
        }
        .boxed();
    }
    nodes
}

/// The label listing a node's co-owners, comma-separated: owners that
/// equally trusted sources stated beside the one kept as [`Node::owner`]
/// (set by the merge; a source may state it too). Each is asked to
/// approve a change to the node, as its owner is.
pub const CO_OWNERS_LABEL: &str = "co_owners";

/// The edge kind assumed when no source states one: from the kind of the
/// dependency (datastore and cache: data; queue: async; infrastructure:
/// infrastructure; anything else: sync).
pub fn default_edge_kind(dependency: Option<NodeKind>) -> EdgeKind {
    match dependency {
        Some(NodeKind::Datastore | NodeKind::Cache) => EdgeKind::Data,
        Some(NodeKind::Queue) => EdgeKind::Async,
        Some(NodeKind::Infrastructure) => EdgeKind::Infrastructure,
        _ => EdgeKind::Sync,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dependency, EdgeSpec, Observation};

    fn fragment(file: &str, origin: Origin) -> GraphFragment {
        GraphFragment::new(file, origin)
    }

    fn build(fragments: Vec<GraphFragment>, strict: bool) -> Result<ServiceGraph, GraphError> {
        let mut builder = GraphBuilder::new(BuildOptions::strict(strict));
        for f in fragments {
            builder.add(f)?;
        }
        builder.build()
    }

    fn spec(kind: NodeKind, tier: u8) -> NodeSpec {
        NodeSpec { kind: Some(kind), tier: Tier::new(tier), ..NodeSpec::default() }
    }

    #[test]
    fn numbers_in_places_compare_as_numbers() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        for (a, b, order) in [
            ("line 9", "line 10", Less),
            ("line 10", "line 9", Greater),
            ("line 10", "line 10", Equal),
            ("$.a[2].b", "$.a[10].b", Less),
            ("line 007", "line 7", Greater),
            ("line 7", "line 8, column 1", Less),
            ("", "line 1", Less),
            ("line 99999999999999999999999", "line 100000000000000000000000", Less),
            ("a", "1", Greater),
        ] {
            assert_eq!(natural_order(a, b), order, "{a} / {b}");
        }
    }

    /// Past [`MAX_WARNINGS`], which warnings are kept (and the bytes of
    /// everything that lists them) must not depend on the order the input
    /// states them in: the first thousand in place order are kept, not
    /// the first thousand met.
    #[test]
    fn warnings_kept_do_not_depend_on_input_order() {
        let graph_with = |order: &[usize], files: &[&str]| {
            let fragments = files
                .iter()
                .map(|file| {
                    let mut f = fragment(file, Origin::Listed);
                    let a = f.node("a", String::new).unwrap();
                    let b = f.node("b", String::new).unwrap();
                    f.edge(a, b, EdgeSpec::default()).unwrap();
                    for &i in order {
                        f.warn(format!("line {i}"), format!("odd line {i}"));
                    }
                    f
                })
                .collect();
            build(fragments, false).unwrap().warnings().to_vec()
        };
        let forward: Vec<usize> = (1..=1500).collect();
        let backward: Vec<usize> = forward.iter().rev().copied().collect();
        let mut scrambled = forward.clone();
        scrambled.sort_by_key(|&i| (i * 7919) % 1500);
        let kept = graph_with(&forward, &["x.edges", "w.edges"]);
        assert_eq!(kept.len(), MAX_WARNINGS + 1);
        assert_eq!(kept, graph_with(&backward, &["w.edges", "x.edges"]));
        assert_eq!(kept, graph_with(&scrambled, &["x.edges", "w.edges"]));
        // The first file's by name, in line order, then the count.
        assert_eq!((kept[0].file(), kept[0].place()), ("w.edges", "line 1"));
        assert_eq!(kept[MAX_WARNINGS - 1].place(), "line 1000");
        assert_eq!(kept[MAX_WARNINGS].message(), "2000 more warnings not shown");
    }

    #[test]
    fn attributes_merge_by_trust_then_risk() {
        let mut listed = fragment("a.edges", Origin::Listed);
        let web = listed.node("web", String::new).unwrap();
        let db = listed.node("db", String::new).unwrap();
        listed.edge(web, db, EdgeSpec::default()).unwrap();
        let mut first = fragment("b.yaml", Origin::Declared);
        first.declare("db", spec(NodeKind::Datastore, 0), || "b".into()).unwrap();
        let mut second = fragment("c.yaml", Origin::Declared);
        second.declare("db", spec(NodeKind::Cache, 0), || "c".into()).unwrap();
        let graph = build(vec![listed, first, second], false).unwrap();
        let db = graph.node("db").unwrap();
        assert_eq!((db.kind(), db.origin()), (NodeKind::Datastore, Origin::Declared));
        assert_eq!(graph.node("web").unwrap().kind(), NodeKind::Service);
        let warning = graph.warnings().iter().find(|w| w.message().contains("`kind`")).unwrap();
        assert_eq!(warning.file(), "c.yaml");
        assert!(warning.message().contains("(the other: b.yaml)"), "{warning}");
        // The dependency's kind decides the default edge kind.
        let (_, _, dep) = graph.dependencies().next().unwrap();
        assert_eq!(dep.kind(), EdgeKind::Data);
    }

    #[test]
    fn references_to_undeclared_nodes() {
        let make = || {
            let mut f = fragment("a.json", Origin::Declared);
            let web = f.declare("web", NodeSpec::default(), || "$.web".into()).unwrap();
            let ghost = f.reference("ghost", || "$.web.deps[0]".into()).unwrap();
            f.edge(web, ghost, EdgeSpec::default()).unwrap();
            f
        };
        let graph = build(vec![make()], false).unwrap();
        let ghost = graph.node("ghost").unwrap();
        assert_eq!((ghost.kind(), ghost.origin()), (NodeKind::External, Origin::Placeholder));
        assert!(graph.warnings().iter().any(|w| w.message().contains("declared nowhere")));
        let e = build(vec![make()], true).unwrap_err();
        assert!(matches!(e, GraphError::Dangling(_)), "{e:?}");
    }

    #[test]
    fn duplicates_merge_and_self_loops_drop() {
        let mut traces = fragment("traces.json", Origin::Observed);
        let a = traces.node("a", String::new).unwrap();
        let b = traces.node("b", String::new).unwrap();
        let seen = |calls| EdgeSpec { observation: Some(Observation { calls, errors: 1 }), ..EdgeSpec::default() };
        traces.edge(a, b, seen(10)).unwrap();
        traces.edge(a, a, EdgeSpec::default()).unwrap();
        let mut listed = fragment("a.edges", Origin::Listed);
        let b2 = listed.node("b", String::new).unwrap();
        let a2 = listed.node("a", String::new).unwrap();
        listed.edge(a2, b2, EdgeSpec::default()).unwrap();
        let mut more = fragment("more.json", Origin::Observed);
        let a3 = more.node("a", String::new).unwrap();
        let b3 = more.node("b", String::new).unwrap();
        more.edge(a3, b3, seen(5)).unwrap();
        let graph = build(vec![traces, listed, more], false).unwrap();
        assert_eq!(graph.edge_count(), 1);
        let (_, _, dep) = graph.dependencies().next().unwrap();
        assert_eq!(dep.observation(), Some(Observation { calls: 15, errors: 2 }));
        assert_eq!(dep.origin(), Origin::Observed);
        // Named after the source that stated it (it said "(merged graph)").
        assert!(
            graph.warnings().iter().any(|w| w.file() == "traces.json" && w.message().contains("self-loop dropped"))
        );
    }

    #[test]
    fn edge_attribute_conflicts_warn() {
        let p = |p| EdgeSpec { probability: crate::model::Probability::new(p), ..EdgeSpec::default() };
        let mut one = fragment("one.edges", Origin::Listed);
        let (a, b) = (one.node("a", String::new).unwrap(), one.node("b", String::new).unwrap());
        one.edge(a, b, p(0.5)).unwrap();
        let mut two = fragment("two.edges", Origin::Listed);
        let (a, b) = (two.node("a", String::new).unwrap(), two.node("b", String::new).unwrap());
        two.edge(a, b, p(0.25)).unwrap();
        let graph = build(vec![one, two], false).unwrap();
        let (_, _, dep) = graph.dependencies().next().unwrap();
        assert_eq!(dep.stated_probability().map(crate::model::Probability::get), Some(0.5));
        let warning = graph.warnings().iter().find(|w| w.message().contains("`probability`")).unwrap();
        assert_eq!((warning.file(), warning.place()), ("two.edges", "edge `a` -> `b`"));
    }

    /// Two files of the same trust lose to a third, in any order: the
    /// warnings (which file lost, and the other named) are the same bytes
    /// (a red team: `s1.yaml` or `s2.yaml` was named by which came first).
    #[test]
    fn conflict_warnings_name_files_whatever_their_order() {
        let edge = |name: &str, strength: Strength| {
            let mut f = fragment(name, Origin::Declared);
            let (a, b) = (f.node("web", String::new).unwrap(), f.node("db", String::new).unwrap());
            f.edge(a, b, EdgeSpec { strength: Some(strength), ..EdgeSpec::default() }).unwrap();
            f
        };
        let warnings = |order: [usize; 3]| {
            let files = [("s1.yaml", Strength::Soft), ("h.yaml", Strength::Hard), ("s2.yaml", Strength::Soft)];
            let fragments = order.iter().map(|&i| edge(files[i].0, files[i].1)).collect();
            let graph = build(fragments, false).unwrap();
            graph.warnings().iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        let first = warnings([0, 1, 2]);
        assert!(first.iter().any(|w| w.contains("(the other: h.yaml)")), "{first:?}");
        for order in [[2, 1, 0], [1, 0, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1]] {
            assert_eq!(warnings(order), first, "{order:?}");
        }
    }

    /// A probability below the default that a source of the same or more
    /// trust implies (it describes the edge and states no probability) is
    /// not kept: the default holds, with a warning. Before, an edge list's
    /// 0.01 quietly overrode a catalog's edge.
    #[test]
    fn a_lower_probability_never_overrides_a_trusted_default() {
        let edge = |spec: EdgeSpec, name: &str, origin: Origin| {
            let mut f = fragment(name, origin);
            let (a, b) = (f.node("a", String::new).unwrap(), f.node("b", String::new).unwrap());
            f.edge(a, b, spec).unwrap();
            f
        };
        let low = EdgeSpec { probability: Probability::new(0.01), ..EdgeSpec::default() };
        let described = EdgeSpec { kind: Some(EdgeKind::Sync), strength: Some(Strength::Hard), ..EdgeSpec::default() };
        for (more_trusted, other) in [
            (edge(described, "graph.yaml", Origin::Declared), "graph.yaml"),
            (edge(EdgeSpec::default(), "catalog.yaml", Origin::Declared), "catalog.yaml"),
            (edge(EdgeSpec::default(), "traces.json", Origin::Observed), "traces.json"),
            (edge(EdgeSpec::default(), "same.edges", Origin::Listed), "same.edges"),
        ] {
            let graph = build(vec![more_trusted, edge(low, "low.edges", Origin::Listed)], false).unwrap();
            let (_, _, dep) = graph.dependencies().next().unwrap();
            assert_eq!(dep.stated_probability(), None, "{other}");
            assert_eq!(Some(dep.probability()), Probability::new(0.9), "{other}");
            let warning = graph.warnings().iter().find(|w| w.message().contains("below the 0.9")).unwrap();
            assert_eq!(warning.file(), "low.edges");
            assert!(warning.message().contains(&format!("(the other: {other})")), "{warning}");
        }
        // A more trusted source's own low probability decides; so does a
        // less trusted one above the default, without a warning.
        let stated = EdgeSpec { probability: Probability::new(0.05), ..EdgeSpec::default() };
        let graph = build(
            vec![edge(stated, "graph.yaml", Origin::Declared), edge(EdgeSpec::default(), "x.edges", Origin::Listed)],
            false,
        )
        .unwrap();
        assert_eq!(Some(graph.dependencies().next().unwrap().2.probability()), Probability::new(0.05));
        // Nor does a kind or strength from another source (found by an
        // audit: a servicegraph's `messaging_system` link made a catalog's
        // edge async, 0.5; another native file's `strength: soft` made it
        // 0.3).
        let async_kind = EdgeSpec { kind: Some(EdgeKind::Async), ..EdgeSpec::default() };
        let soft = EdgeSpec { strength: Some(Strength::Soft), ..EdgeSpec::default() };
        for (lowering, origin) in [(async_kind, Origin::Observed), (soft, Origin::Declared)] {
            let graph = build(
                vec![edge(EdgeSpec::default(), "catalog.yaml", Origin::Declared), edge(lowering, "other", origin)],
                false,
            )
            .unwrap();
            assert_eq!(Some(graph.dependencies().next().unwrap().2.probability()), Probability::new(0.9));
            assert!(graph.warnings().iter().any(|w| w.message().contains("below the 0.9")));
        }
        // Inside one file, a line that states a probability refines one
        // that does not (a native `depends_on` beside its entry).
        let mut one = fragment("graph.yaml", Origin::Declared);
        let (a, b) = (one.node("a", String::new).unwrap(), one.node("b", String::new).unwrap());
        one.edge(a, b, EdgeSpec::default()).unwrap();
        one.edge(a, b, stated).unwrap();
        let graph = build(vec![one], false).unwrap();
        assert_eq!(Some(graph.dependencies().next().unwrap().2.probability()), Probability::new(0.05));
        // ... in any order of the files: that file's unstated line is no
        // floor under another file's same statement (found by an audit:
        // `a c` and `a c 0.3` in x.edges, `a c 0.3` in y.edges gave 0.3
        // in the order x, y and 0.9, with a warning, in the order y, x).
        let refined = || {
            let mut x = fragment("x.edges", Origin::Listed);
            let (a, b) = (x.node("a", String::new).unwrap(), x.node("b", String::new).unwrap());
            x.edge(a, b, EdgeSpec::default()).unwrap();
            x.edge(a, b, stated).unwrap();
            x
        };
        for files in [
            vec![refined(), edge(stated, "y.edges", Origin::Listed)],
            vec![edge(stated, "y.edges", Origin::Listed), refined()],
        ] {
            let graph = build(files, false).unwrap();
            assert_eq!(Some(graph.dependencies().next().unwrap().2.probability()), Probability::new(0.05));
            assert!(graph.warnings().iter().all(|w| !w.message().contains("below the")), "{:?}", graph.warnings());
        }
        let high = EdgeSpec { probability: Probability::new(0.8), ..EdgeSpec::default() };
        let declared =
            edge(EdgeSpec { kind: Some(EdgeKind::Async), ..EdgeSpec::default() }, "graph.yaml", Origin::Declared);
        let graph = build(vec![declared, edge(high, "high.edges", Origin::Listed)], false).unwrap();
        assert_eq!(Some(graph.dependencies().next().unwrap().2.probability()), Probability::new(0.8));
        assert!(graph.warnings().iter().all(|w| !w.message().contains("below the")));
    }

    /// A node two equally trusted sources call a queue and a service keeps
    /// the queue's kind (its data can be lost), but edges into it keep the
    /// service's stronger default (sync 0.9, not async 0.5): the kind that
    /// wins must not weaken who the node's failure reaches.
    #[test]
    fn a_contested_kind_keeps_the_stronger_edge_default() {
        for order in [[NodeKind::Service, NodeKind::Queue], [NodeKind::Queue, NodeKind::Service]] {
            let mut one = fragment("one.yaml", Origin::Declared);
            one.declare("bus", spec(order[0], 2), || "a".into()).unwrap();
            let web = one.node("web", String::new).unwrap();
            let bus = one.node("bus", String::new).unwrap();
            one.edge(web, bus, EdgeSpec::default()).unwrap();
            let mut two = fragment("two.yaml", Origin::Declared);
            two.declare("bus", spec(order[1], 2), || "b".into()).unwrap();
            let graph = build(vec![one, two], false).unwrap();
            let bus = graph.nodes().find(|n| n.id() == "bus").unwrap();
            assert_eq!(bus.kind(), NodeKind::Queue);
            let (_, _, dep) = graph.dependencies().next().unwrap();
            assert_eq!((dep.kind(), Some(dep.probability())), (EdgeKind::Sync, Probability::new(0.9)));
        }
        // A queue alone keeps async edges.
        let mut one = fragment("one.yaml", Origin::Declared);
        one.declare("bus", spec(NodeKind::Queue, 2), || "a".into()).unwrap();
        let (web, bus) = (one.node("web", String::new).unwrap(), one.node("bus", String::new).unwrap());
        one.edge(web, bus, EdgeSpec::default()).unwrap();
        let graph = build(vec![one], false).unwrap();
        assert_eq!(graph.dependencies().next().unwrap().2.kind(), EdgeKind::Async);
    }

    /// Edge kinds stated by equally trusted sources: the one whose default
    /// propagates more wins, soft edges too (infrastructure 0.5 over data
    /// 0.4; before, data won and the edge propagated less).
    #[test]
    fn the_edge_kind_that_propagates_more_wins() {
        let edge = |kind: EdgeKind, name: &str| {
            let mut f = fragment(name, Origin::Declared);
            let (a, b) = (f.node("a", String::new).unwrap(), f.node("b", String::new).unwrap());
            f.edge(a, b, EdgeSpec { kind: Some(kind), strength: Some(Strength::Soft), ..EdgeSpec::default() }).unwrap();
            f
        };
        for pair in [[EdgeKind::Data, EdgeKind::Infrastructure], [EdgeKind::Infrastructure, EdgeKind::Data]] {
            let graph = build(vec![edge(pair[0], "one.yaml"), edge(pair[1], "two.yaml")], false).unwrap();
            let (_, _, dep) = graph.dependencies().next().unwrap();
            assert_eq!((dep.kind(), Some(dep.probability())), (EdgeKind::Infrastructure, Probability::new(0.5)));
        }
    }

    /// A kind from one file and a strength from another merge to a lower
    /// default than either file implies on its own: the higher of the
    /// files' own defaults is kept, in either order (the deciding file,
    /// the first given, was left out of the floor: 0.5 in one order, 0.3
    /// in the other, and a review depth with it; a determinism audit).
    #[test]
    fn a_kind_and_a_strength_from_two_files_keep_the_higher_default_in_any_order() {
        let edge = |name: &str, kind: Option<EdgeKind>, strength: Option<Strength>| {
            let mut f = fragment(name, Origin::Declared);
            let (a, b) = (f.node("checkout", String::new).unwrap(), f.node("pricing", String::new).unwrap());
            f.edge(a, b, EdgeSpec { kind, strength, ..EdgeSpec::default() }).unwrap();
            f
        };
        let cases = [
            // (one file's kind and strength, the other's, the probability kept)
            ((None, Some(Strength::Soft)), (Some(EdgeKind::Async), None), 0.5),
            ((Some(EdgeKind::Sync), Some(Strength::Soft)), (Some(EdgeKind::Data), None), 0.95),
            ((Some(EdgeKind::Data), Some(Strength::Soft)), (Some(EdgeKind::Async), None), 0.5),
        ];
        for ((k1, s1), (k2, s2), want) in cases {
            let mut seen = Vec::new();
            for order in [[("one.yaml", k1, s1), ("two.yaml", k2, s2)], [("two.yaml", k2, s2), ("one.yaml", k1, s1)]] {
                let graph = build(order.iter().map(|&(n, k, s)| edge(n, k, s)).collect(), false).unwrap();
                let (_, _, dep) = graph.dependencies().next().unwrap();
                seen.push((dep.kind(), dep.strength(), dep.probability().get()));
            }
            assert_eq!(seen[0], seen[1], "{k1:?}/{s1:?} and {k2:?}/{s2:?} merge alike in either order");
            assert!(seen[0].2.total_cmp(&want).is_eq(), "{k1:?}/{s1:?} and {k2:?}/{s2:?}: {seen:?}");
        }
    }

    /// Equally trusted sources that disagree merge to the same graph in
    /// either order, keeping the riskier value; records of one file too.
    #[test]
    fn disagreeing_sources_merge_alike_in_any_order() {
        let node = |name: &str, kind: NodeKind, tier: u8, owner: &str| {
            let mut f = fragment(name, Origin::Declared);
            let spec = NodeSpec {
                kind: Some(kind),
                tier: Tier::new(tier),
                owner: Some(owner.to_owned()),
                ..NodeSpec::default()
            };
            f.declare("db", spec, || "x".into()).unwrap();
            f
        };
        let edge = |name: &str, specs: &[EdgeSpec]| {
            let mut f = fragment(name, Origin::Declared);
            let (a, b) = (f.node("web", String::new).unwrap(), f.node("db", String::new).unwrap());
            for spec in specs {
                f.edge(a, b, *spec).unwrap();
            }
            f
        };
        let p = |p: f64, kind: EdgeKind, strength: Strength| EdgeSpec {
            probability: Probability::new(p),
            kind: Some(kind),
            strength: Some(strength),
            ..EdgeSpec::default()
        };
        let (high, low) = (p(0.9, EdgeKind::Sync, Strength::Hard), p(0.05, EdgeKind::Async, Strength::Soft));
        let summary = |graph: &ServiceGraph| {
            let db = graph.node("db").unwrap();
            (db.kind(), db.tier(), db.owner().map(str::to_owned))
        };
        let forward = build(
            vec![node("a.yaml", NodeKind::Service, 3, "team-b"), node("b.yaml", NodeKind::Datastore, 0, "team-a")],
            false,
        )
        .unwrap();
        let backward = build(
            vec![node("b.yaml", NodeKind::Datastore, 0, "team-a"), node("a.yaml", NodeKind::Service, 3, "team-b")],
            false,
        )
        .unwrap();
        assert_eq!(summary(&forward), (NodeKind::Datastore, Tier::new(0), Some("team-a".to_owned())));
        assert_eq!(summary(&forward), summary(&backward));
        // Two files, and two records of one file, in both orders.
        for fragments in [
            vec![edge("c.yaml", &[high]), edge("d.yaml", &[low])],
            vec![edge("d.yaml", &[low]), edge("c.yaml", &[high])],
            vec![edge("e.yaml", &[high, low])],
            vec![edge("e.yaml", &[low, high])],
        ] {
            let graph = build(fragments, false).unwrap();
            let (_, _, dep) = graph.dependencies().next().unwrap();
            assert_eq!(dep.stated_probability().map(Probability::get), Some(0.9));
            assert_eq!((dep.kind(), dep.strength()), (EdgeKind::Sync, Strength::Hard));
            assert!(graph.warnings().iter().any(|w| w.message().contains("keeping `0.9` (the higher)")));
        }
    }

    /// Building on one thread or several gives the same graph, warnings
    /// included, on inputs large enough to be split.
    #[test]
    fn the_same_graph_on_any_number_of_threads() {
        let make = |with_probabilities: bool| {
            let mut state = 0x2545_f491_4f6c_dd1d_u64;
            let mut next = move |n: u64| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % n) as u32
            };
            let mut f = fragment("big.edges", Origin::Listed);
            let ids: Vec<u32> = (0..5000).map(|i| f.node(&format!("s{i}"), String::new).unwrap()).collect();
            for i in 0..200_000u32 {
                let (a, b) = (ids[next(5000) as usize], ids[next(if i % 2 == 0 { 30 } else { 5000 }) as usize]);
                let probability = crate::model::Probability::new(f64::from(i % 7) / 8.0).filter(|_| with_probabilities);
                f.edge(a, b, EdgeSpec { probability, ..EdgeSpec::default() }).unwrap();
            }
            f
        };
        for with_probabilities in [false, true] {
            let run = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let graph = pool.install(|| build(vec![make(with_probabilities)], false)).unwrap();
                let edges: Vec<(String, String, Dependency)> =
                    graph.dependencies().map(|(a, b, d)| (a.id().to_owned(), b.id().to_owned(), d.clone())).collect();
                let frozen = graph.clone().freeze();
                let reverse: Vec<Vec<u32>> = (0..5000).map(|v| frozen.dependents_of(v).to_vec()).collect();
                (edges, graph.warnings().to_vec(), reverse)
            };
            let one = run(1);
            // Self-loops warned of; with probabilities, the conflicts
            // between duplicate edges fill the thousand kept first.
            let expected = if with_probabilities { "`probability` is" } else { "self-loop" };
            assert!(one.1.iter().any(|w| w.message().contains(expected)));
            assert_eq!(run(3), one, "probabilities: {with_probabilities}");
        }
    }

    #[test]
    fn records_naming_no_node_are_dropped() {
        // A loader bug, not input: the merge must not panic on it.
        let mut f = fragment("a.edges", Origin::Listed);
        let a = f.node("a", String::new).unwrap();
        let b = f.node("b", String::new).unwrap();
        f.edge(a, b, EdgeSpec::default()).unwrap();
        f.edge(a, 7, EdgeSpec::default()).unwrap();
        f.edge(9, b, EdgeSpec::default()).unwrap();
        let graph = build(vec![f], false).unwrap();
        assert_eq!((graph.node_count(), graph.edge_count()), (2, 1));
    }
}
