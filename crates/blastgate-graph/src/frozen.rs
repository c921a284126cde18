//! The frozen graph: an immutable, compact query structure.
//!
//! Forward (dependencies) and reverse (dependents) adjacency are kept as
//! compressed sparse rows over dense `u32` ids. Traversals run here, never
//! on the build-time petgraph graph: a reverse walk over a compact CSR is
//! several times faster than petgraph's `Bfs` over `Reversed` (measured on a
//! 10M-edge graph; see docs/performance.md).

use std::sync::OnceLock;

use rayon::prelude::*;

mod attributes;
pub mod snapshot;

pub(crate) use attributes::EdgeAttributes;

use crate::fragment::{NameIndex, Warning};
use crate::graph::ServiceGraph;
use crate::model::{Dependency, Node, NodeAttrs, NodeRef};
use crate::scc::{Components, strongly_connected_components};

/// Forward and reverse adjacency as compressed sparse rows.
///
/// INVARIANT: `rev_offsets` (and the forward offsets) have `n + 1`
/// non-decreasing entries starting at 0 and ending at the number of edges;
/// every source in `rev_sources` (and target in the forward rows) is below
/// `n`; each row is ascending and the forward rows hold exactly the
/// reverse edges. The builders establish this and nothing mutates it
/// afterwards.
///
/// The reverse rows are the ones traversals read; the forward rows are
/// kept by the builder, which has them, and made from the reverse rows on
/// first need otherwise (a snapshot stores only the reverse rows: reading
/// and checking a second copy of every edge was a third of loading, and an
/// assessment seldom needs them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Csr {
    forward: OnceLock<Forward>,
    rev_offsets: Vec<u32>,
    rev_sources: Vec<u32>,
    /// Propagation probability of each reverse entry (hot in traversals);
    /// when every edge has the same one ([`Csr::uniform_probability`]),
    /// only as many as the longest reverse row has, which every row reads
    /// from the start.
    rev_probability: Vec<f32>,
    /// The forward edge number of each reverse entry, made on first need:
    /// no traversal reads it.
    rev_edges: OnceLock<Vec<u32>>,
    /// The probability of every edge, when they all have the same one.
    uniform: Option<f32>,
}

/// The forward half of a [`Csr`]: each node's dependencies.
#[derive(Debug, Clone, Default)]
struct Forward {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

/// The reverse half of a [`Csr`].
#[derive(Debug)]
pub(crate) struct Reverse {
    offsets: Vec<u32>,
    sources: Vec<u32>,
    probability: Vec<f32>,
}

impl Reverse {
    /// The reverse rows of forward rows `fwd_offsets` (`n + 1` entries)
    /// over `fwd_targets`, every target below `n`, with `probability[e]`
    /// the propagation probability of edge `e`.
    ///
    /// The rows are filled by one scattered write per array and edge, in a
    /// loop kept small so that the processor overlaps the cache misses;
    /// they come out ascending because the forward rows are read in order.
    pub(crate) fn new(fwd_offsets: &[u32], fwd_targets: &[u32], probability: &[f32]) -> Self {
        let n = fwd_offsets.len().saturating_sub(1);
        let m = fwd_targets.len();
        let mut offsets = vec![0u32; n + 1];
        for &to in fwd_targets {
            bump(&mut offsets, to as usize + 1);
        }
        prefix_sum(&mut offsets);
        let mut sources = vec![0u32; m];
        let mut rev_probability = vec![0f32; m];
        let mut cursor: Vec<u32> = offsets.clone();
        for from in 0..n {
            let (a, b) = range(fwd_offsets, from as u32);
            let from = u32::try_from(from).unwrap_or(u32::MAX);
            let targets = fwd_targets.get(a..b).unwrap_or_default();
            let probabilities = probability.get(a..b).unwrap_or_default();
            for (&to, &p) in targets.iter().zip(probabilities) {
                let Some(c) = cursor.get_mut(to as usize) else { continue };
                let slot = *c as usize;
                *c += 1;
                if let (Some(s), Some(rp)) = (sources.get_mut(slot), rev_probability.get_mut(slot)) {
                    *s = from;
                    *rp = p;
                }
            }
        }
        Self { offsets, sources, probability: rev_probability }
    }

    /// The offsets, sources and probability bits, for tests.
    #[cfg(test)]
    pub(crate) fn parts(&self) -> (&[u32], &[u32], Vec<u32>) {
        (&self.offsets, &self.sources, self.probability.iter().map(|p| p.to_bits()).collect())
    }

    /// Reverse rows made elsewhere: `offsets` (`n + 1` entries) over
    /// `sources`, each row ascending, and the probability of each entry.
    pub(crate) fn from_rows(offsets: Vec<u32>, sources: Vec<u32>, probability: Vec<f32>) -> Self {
        Self { offsets, sources, probability }
    }
}

impl Csr {
    /// The adjacency of forward rows `fwd_offsets` over `fwd_targets` (each
    /// row ascending) and their `reverse`.
    pub(crate) fn new(fwd_offsets: Vec<u32>, fwd_targets: Vec<u32>, reverse: Reverse) -> Self {
        let forward = OnceLock::from(Forward { offsets: fwd_offsets, targets: fwd_targets });
        Self { forward, ..Self::from_reverse(reverse) }
    }

    /// The adjacency of `reverse` alone; the forward rows are made from it
    /// on first need.
    pub(crate) fn from_reverse(reverse: Reverse) -> Self {
        let Reverse { offsets, sources, mut probability } = reverse;
        let first = probability.first().copied();
        let uniform = first.filter(|p| probability.iter().all(|q| q.to_bits() == p.to_bits()));
        if uniform.is_some() {
            let longest = offsets.windows(2).map(row_len).max().unwrap_or(0);
            probability.truncate(longest);
            probability.shrink_to_fit();
        }
        Self {
            forward: OnceLock::new(),
            rev_offsets: offsets,
            rev_sources: sources,
            rev_probability: probability,
            rev_edges: OnceLock::new(),
            uniform,
        }
    }

    /// The probability of every edge, if they all have the same one (bit
    /// for bit) and there is at least one edge.
    pub(crate) fn uniform_probability(&self) -> Option<f32> {
        self.uniform
    }

    pub(crate) fn edge_count(&self) -> usize {
        self.rev_sources.len()
    }

    /// The forward rows, made from the reverse rows the first time.
    ///
    /// # Complexity
    /// `O(V + E)` the first time (a counting pass, then one scattered
    /// write per edge split across rayon's threads), `O(1)` after.
    fn forward(&self) -> &Forward {
        self.forward.get_or_init(|| {
            let (offsets, targets) = crate::build::forward_rows(&self.rev_offsets, &self.rev_sources);
            Forward { offsets, targets }
        })
    }

    /// The targets of the forward row of `index`, ascending.
    pub(crate) fn dependencies_of(&self, index: u32) -> &[u32] {
        let forward = self.forward();
        let (a, b) = range(&forward.offsets, index);
        forward.targets.get(a..b).unwrap_or_default()
    }

    /// The first forward edge number of `index`'s row.
    pub(crate) fn first_edge(&self, index: u32) -> usize {
        range(&self.forward().offsets, index).0
    }

    /// The sources of the reverse row of `index`, ascending.
    pub(crate) fn dependents_of(&self, index: u32) -> &[u32] {
        let (a, b) = range(&self.rev_offsets, index);
        self.rev_sources.get(a..b).unwrap_or_default()
    }

    /// Asks the processor to start loading what [`Csr::dependents_of`]
    /// reads for `index`: its offsets now, and its row if the offsets are
    /// already there. Only a hint: no effect on results.
    #[inline(always)]
    pub(crate) fn prefetch_dependents(&self, index: u32, row_too: bool) {
        let i = index as usize;
        if let Some(start) = self.rev_offsets.get(i) {
            prefetch(start);
            if row_too && let Some(first) = self.rev_sources.get(*start as usize) {
                prefetch(first);
            }
        }
    }

    /// The reverse row of `index`: sources and their edges' probabilities.
    pub(crate) fn dependents_with_probability(&self, index: u32) -> (&[u32], &[f32]) {
        let (a, b) = range(&self.rev_offsets, index);
        let probability = match self.uniform {
            Some(_) => self.rev_probability.get(..b - a),
            None => self.rev_probability.get(a..b),
        };
        (self.rev_sources.get(a..b).unwrap_or_default(), probability.unwrap_or_default())
    }

    /// The forward edge numbers of the reverse row of `index`.
    pub(crate) fn dependent_edges_of(&self, index: u32) -> &[u32] {
        let (a, b) = range(&self.rev_offsets, index);
        self.rev_edges.get_or_init(|| self.reverse_edge_numbers()).get(a..b).unwrap_or_default()
    }

    /// The forward edge number of every reverse entry: where its target
    /// sits in its source's (sorted) forward row.
    fn reverse_edge_numbers(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.rev_sources.len());
        for (to, w) in self.rev_offsets.windows(2).enumerate() {
            let (a, b) = (w.first().copied().unwrap_or(0) as usize, w.last().copied().unwrap_or(0) as usize);
            let to = u32::try_from(to).unwrap_or(u32::MAX);
            for &from in self.rev_sources.get(a..b).unwrap_or_default() {
                let start = self.first_edge(from);
                let pos = self.dependencies_of(from).binary_search(&to).unwrap_or(0);
                out.push(u32::try_from(start + pos).unwrap_or(u32::MAX));
            }
        }
        out
    }

    pub(crate) fn fwd(&self) -> (&[u32], &[u32]) {
        let forward = self.forward();
        (&forward.offsets, &forward.targets)
    }

    /// The reverse rows: `n + 1` offsets and the sources.
    pub(crate) fn rev(&self) -> (&[u32], &[u32]) {
        (&self.rev_offsets, &self.rev_sources)
    }

    fn heap_bytes(&self) -> usize {
        (self.forward.get().map_or(0, |f| f.offsets.capacity() + f.targets.capacity())
            + self.rev_offsets.capacity()
            + self.rev_sources.capacity()
            + self.rev_edges.get().map_or(0, Vec::capacity)
            + self.rev_probability.capacity())
            * 4
    }
}

/// An immutable graph ready for queries. Cheap to share across threads
/// (`Send + Sync`; the only interior mutability is arrays made once on
/// first need behind a [`OnceLock`]: the rank of each id, for sorting
/// results, the edge number of each reverse entry, the forward rows of a
/// graph read from a snapshot, the owner table for listing the owners of
/// large results, and the layout that batches of reach counts sweep).
///
/// Nodes are lent as [`NodeRef`]s: the ids of all nodes live in one
/// buffer, not in a box each (7.3 bytes an edge in all at 1M nodes and 10M
/// edges, against 12.9 with boxed ids and both directions of rows).
#[derive(Debug, Clone)]
pub struct FrozenGraph {
    /// The nodes' attributes, by dense id.
    nodes: Vec<NodeAttrs>,
    /// The nodes' ids, by dense id, in one buffer (a million boxed ids
    /// were a tenth of reading a snapshot).
    ids: Ids,
    /// Ids to dense ids; `None` for a graph read from a snapshot, whose
    /// lookups search the nodes (sorted by id) instead.
    index: Option<NameIndex>,
    csr: Csr,
    /// Attributes of edge `e` (forward order).
    deps: EdgeAttributes,
    warnings: Vec<Warning>,
    /// What result assembly needs of each node, one byte each (see
    /// [`NodeClass`]), so that large results do not read the nodes.
    classes: Vec<NodeClass>,
    /// The position of each node in the order of ids (byte order).
    id_rank: OnceLock<Vec<u32>>,
    /// Whether `id_rank` is the identity.
    in_id_order: OnceLock<bool>,
    /// The distinct owners and each node's place among them, made on the
    /// first result that lists owners.
    owners: OnceLock<Owners>,
    /// Catalog entities by their plain name and `namespace/name`, lower
    /// case (see [`FrozenGraph::catalog_entities_named`]), made on the
    /// first name that is no node id.
    catalog_names: OnceLock<std::collections::BTreeMap<Box<str>, Vec<u32>>>,
    /// Ids that hold an upper-case letter, by their lower case (see
    /// [`FrozenGraph::nodes_named`]), made on the first name that is no id.
    folded_ids: OnceLock<std::collections::BTreeMap<Box<str>, Vec<u32>>>,
    /// The nodes laid out by strongly connected component for batches of
    /// reach counts, made by the first batch that needs it.
    condensation: OnceLock<crate::radius::Condensation>,
}

/// The graph's distinct owner names, sorted, and each node's position in
/// that list ([`Owners::NONE`] for a node without an owner), so that the
/// owners of a large result are a bitset over a few teams, not a sort of
/// its nodes by name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Owners {
    pub(crate) names: Vec<Box<str>>,
    pub(crate) of_node: Vec<u32>,
    /// Co-owners ([`crate::CO_OWNERS_LABEL`]), rare: `(node, position in
    /// names)`, sorted.
    pub(crate) co: Vec<(u32, u32)>,
}

impl Owners {
    /// No owner.
    pub(crate) const NONE: u32 = u32::MAX;
}

/// A node's effective tier, flags and kind, packed in a byte: bits 0 and 1
/// hold the tier level; [`NodeClass::JOURNEY`], [`NodeClass::OWNER`] and
/// [`NodeClass::TRAFFIC`] say whether it is a journey, has an owner,
/// states its traffic; bits 5 to 7 hold the kind (its place in
/// [`NodeKind::ALL`](crate::model::NodeKind::ALL)), so that the attributes
/// of a plain edge follow from a byte array that stays in cache rather
/// than from the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeClass(u8);

impl NodeClass {
    pub(crate) const JOURNEY: u8 = 4;
    pub(crate) const OWNER: u8 = 8;
    pub(crate) const TRAFFIC: u8 = 16;

    fn of(node: NodeRef<'_>) -> Self {
        let mut bits = node.effective_tier().level() & 3;
        if node.kind() == crate::model::NodeKind::Journey {
            bits |= Self::JOURNEY;
        }
        if node.owner().is_some() {
            bits |= Self::OWNER;
        }
        if node.traffic().is_some() {
            bits |= Self::TRAFFIC;
        }
        let kind = crate::model::NodeKind::ALL.iter().position(|k| *k == node.kind()).unwrap_or(0);
        bits |= (kind as u8 & 7) << 5;
        Self(bits)
    }

    /// The node's kind's place in [`NodeKind::ALL`](crate::model::NodeKind::ALL).
    pub(crate) fn kind_index(self) -> usize {
        usize::from(self.0 >> 5)
    }

    /// The node's kind.
    pub(crate) fn kind(self) -> crate::model::NodeKind {
        crate::model::NodeKind::ALL.get(self.kind_index()).copied().unwrap_or(crate::model::NodeKind::Service)
    }

    /// The node's effective tier.
    pub(crate) fn tier(self) -> crate::model::Tier {
        crate::model::Tier::new(self.0 & 3).unwrap_or(crate::model::Tier::DEFAULT)
    }

    /// Whether flag `flag` is set.
    pub(crate) fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}

impl FrozenGraph {
    /// Assembles a frozen graph: `csr` is over `nodes.len()` nodes and
    /// `deps.len()` edges.
    pub(crate) fn new(
        nodes: Vec<Node>,
        index: NameIndex,
        csr: Csr,
        deps: EdgeAttributes,
        warnings: Vec<Warning>,
    ) -> Self {
        let ids = Ids::of(nodes.iter().map(Node::id));
        let nodes = nodes.into_iter().map(|n| n.attrs).collect();
        Self::assemble(nodes, ids, Some(index), csr, deps, warnings)
    }

    /// Assembles a frozen graph; `index` is `None` for one read from a
    /// snapshot (its nodes, sorted by id, are searched instead).
    pub(crate) fn assemble(
        nodes: Vec<NodeAttrs>,
        ids: Ids,
        index: Option<NameIndex>,
        csr: Csr,
        deps: EdgeAttributes,
        warnings: Vec<Warning>,
    ) -> Self {
        let classes = nodes
            .par_iter()
            .with_min_len(4096)
            .enumerate()
            .map(|(i, attrs)| NodeClass::of(NodeRef::new(ids.get(i).unwrap_or_default(), attrs)))
            .collect();
        // INVARIANT: a graph without an index was read from a snapshot,
        // whose ids were checked strictly ascending.
        let in_id_order = if index.is_none() { OnceLock::from(true) } else { OnceLock::new() };
        Self {
            nodes,
            ids,
            index,
            csr,
            deps,
            warnings,
            classes,
            id_rank: OnceLock::new(),
            in_id_order,
            owners: OnceLock::new(),
            catalog_names: OnceLock::new(),
            folded_ids: OnceLock::new(),
            condensation: OnceLock::new(),
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.csr.edge_count()
    }

    /// The dense id of the node named `id`.
    ///
    /// # Complexity
    /// `O(1)` expected (a hash lookup); `O(log V)` for a graph read from a
    /// snapshot (a binary search of the ids).
    pub fn index_of(&self, id: &str) -> Option<u32> {
        match &self.index {
            Some(index) => index.get(id, |i| self.ids.get(i as usize)),
            // INVARIANT: the nodes are sorted by id with no duplicates
            // (checked when a snapshot is read).
            None => {
                let at = self.ids.partition_point(|other| other < id);
                (self.ids.get(at) == Some(id)).then_some(at).and_then(|i| u32::try_from(i).ok())
            }
        }
    }

    /// The node a name given by people or other tools means: the node of
    /// that id, else the one catalog entity of that plain name (`payments`
    /// for `component:payments` or `component:shop/payments`, ASCII case
    /// ignored; components before resources before other kinds, the
    /// default namespace first within each; a tie names none). The same
    /// ranking joins a trace's service name to a Backstage entity when the
    /// graph is built.
    ///
    /// # Complexity
    /// As [`FrozenGraph::index_of`] for an id; a name that is none makes
    /// the table of plain names once, `O(V log V)` (a graph whose ids hold
    /// no `:` has no catalog entity, and its table is made by one scan of
    /// the ids' bytes), then `O(log V)`.
    pub fn index_of_name(&self, name: &str) -> Option<u32> {
        self.index_of(name).or_else(|| {
            let rank = |i: u32| {
                let (_, rest) = self.id(i)?.split_once(':')?;
                let namespace = rest.rsplit_once('/').map_or("default", |(ns, _)| ns);
                Some((self.catalog_kind_rank(i)?, u8::from(!namespace.eq_ignore_ascii_case("default"))))
            };
            let mut ranked: Vec<((u8, u8), u32)> =
                self.catalog_entities_named(name).iter().filter_map(|&i| Some((rank(i)?, i))).collect();
            ranked.sort_unstable();
            match ranked.as_slice() {
                [(best, i), rest @ ..] if rest.first().is_none_or(|(next, _)| next != best) => Some(*i),
                _ => None,
            }
        })
    }

    /// How deployable a catalog entity's kind is, most first: 0 for a
    /// component, 1 for a resource, 2 for any other kind (an API, a
    /// system); `None` for a node whose id is no catalog id (`kind:name`).
    /// The order in which a name several entities share picks one.
    pub fn catalog_kind_rank(&self, index: u32) -> Option<u8> {
        let (kind, _) = self.id(index)?.split_once(':')?;
        Some(match kind.to_ascii_lowercase().as_str() {
            "component" => 0,
            "resource" => 1,
            _ => 2,
        })
    }

    /// Every catalog entity (an id `kind:name` or `kind:namespace/name`)
    /// whose plain name, or `namespace/name`, is `name` (ASCII case
    /// ignored), ascending. Empty for a graph without catalog ids.
    ///
    /// # Complexity
    /// The table is made on first use, `O(V log V)` (one scan of the ids'
    /// bytes when none holds a `:`), then `O(log V)`.
    pub fn catalog_entities_named(&self, name: &str) -> &[u32] {
        self.catalog_names
            .get_or_init(|| self.make_catalog_names())
            .get(name.trim().to_ascii_lowercase().as_str())
            .map_or(&[], Vec::as_slice)
    }

    /// Every node a name from people or other tools could mean, ascending:
    /// the node of that id, and, with surrounding spaces dropped and ASCII
    /// case ignored, every node of that id and every catalog entity of that
    /// plain name or `namespace/name` (`payments` for
    /// `component:team-a/payments` and `component:team-b/payments` alike),
    /// or of its full ref with the `default` namespace written out
    /// (`component:default/payments`, `default/payments`).
    /// For what must apply wherever a name could point (a freeze, an
    /// incident: fail closed), where [`FrozenGraph::index_of_name`] picks
    /// one or none. A name that is a node's id still means the others too
    /// (an identity audit: with `Payments` and `payments` both in the
    /// graph, a freeze on `payments` lifted itself from `Payments`, while
    /// `PAYMENTS` froze both).
    ///
    /// # Complexity
    /// The first name makes the tables, `O(V log V)` (one pass over the
    /// ids' bytes when no id holds an upper-case letter or a `:`); then
    /// `O(log V)`.
    pub fn nodes_named(&self, name: &str) -> Vec<u32> {
        let folded = name.trim().to_ascii_lowercase();
        let mut out = self.nodes_ignoring_case(&folded);
        out.extend(self.index_of(name));
        out.extend_from_slice(self.catalog_entities_named(&folded));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The nodes whose id is `name` ignoring ASCII case, ascending.
    ///
    /// # Complexity
    /// The first call makes a table of the ids that hold an upper-case
    /// letter, `O(V log V)` (one pass over the ids' bytes when none does);
    /// then `O(log V)`.
    pub fn nodes_ignoring_case(&self, name: &str) -> Vec<u32> {
        let folded = name.to_ascii_lowercase();
        let mut out: Vec<u32> = self.index_of(&folded).into_iter().collect();
        if let Some(more) = self.folded_ids.get_or_init(|| self.make_folded_ids()).get(folded.as_str()) {
            out.extend(more);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Ids that hold an upper-case letter, by their lower case.
    fn make_folded_ids(&self) -> std::collections::BTreeMap<Box<str>, Vec<u32>> {
        let mut names: std::collections::BTreeMap<Box<str>, Vec<u32>> = std::collections::BTreeMap::new();
        // Most graphs have none: one pass over the bytes (which the
        // compiler vectorises) instead of one an id.
        if !self.ids.text.as_bytes().chunks(256).any(|c| c.iter().fold(false, |up, b| up | b.is_ascii_uppercase())) {
            return names;
        }
        for i in 0..self.node_count() {
            let Ok(index) = u32::try_from(i) else { break };
            if let Some(id) = self.id(index).filter(|id| id.bytes().any(|b| b.is_ascii_uppercase())) {
                names.entry(id.to_ascii_lowercase().into_boxed_str()).or_default().push(index);
            }
        }
        names
    }

    /// Catalog entities by plain name and by `namespace/name`, lower case.
    fn make_catalog_names(&self) -> std::collections::BTreeMap<Box<str>, Vec<u32>> {
        let mut names: std::collections::BTreeMap<Box<str>, Vec<u32>> = std::collections::BTreeMap::new();
        if !self.ids.text.contains(':') {
            return names;
        }
        for i in 0..self.node_count() {
            let Ok(index) = u32::try_from(i) else { break };
            let Some((kind, rest)) = self.id(index).and_then(|id| id.split_once(':')) else { continue };
            let name = rest.rsplit_once('/').map_or(rest, |(_, name)| name);
            if name.is_empty() {
                continue;
            }
            names.entry(name.to_ascii_lowercase().into_boxed_str()).or_default().push(index);
            if rest != name {
                names.entry(rest.to_ascii_lowercase().into_boxed_str()).or_default().push(index);
            } else {
                // An entity of the `default` namespace by Backstage's full
                // ref (`component:default/payments`, `default/payments`),
                // as tools built on the catalog write it: unmatched, an
                // incident or a freeze there was dropped with a warning.
                let lower = name.to_ascii_lowercase();
                names.entry(format!("default/{lower}").into_boxed_str()).or_default().push(index);
                let full = format!("{}:default/{lower}", kind.to_ascii_lowercase());
                names.entry(full.into_boxed_str()).or_default().push(index);
            }
        }
        names
    }

    /// The node with dense id `index`.
    pub fn node(&self, index: u32) -> Option<NodeRef<'_>> {
        Some(NodeRef::new(self.ids.get(index as usize)?, self.nodes.get(index as usize)?))
    }

    /// The id of the node with dense id `index`.
    pub fn id(&self, index: u32) -> Option<&str> {
        self.ids.get(index as usize)
    }

    /// The ids of the nodes `first..end` (dense ids), one after another
    /// with nothing between them, as they are in memory. `None` for a
    /// range outside the graph.
    pub fn ids_of_range(&self, first: u32, end: u32) -> Option<&str> {
        self.ids.range_text(first as usize, end as usize)
    }

    /// Whether no edge states attributes of its own: every edge is hard,
    /// of the default kind for its dependency ([`crate::default_edge_kind`]),
    /// with the default probability and no observation (graphs from edge
    /// lists). A pass over all edges can then skip their attributes.
    pub fn edges_are_plain(&self) -> bool {
        self.deps.plain_origin().is_some()
    }

    /// The kind of the node with dense id `index`, read from one byte a
    /// node (cheaper than [`FrozenGraph::node`] in a pass over all edges).
    pub fn node_kind(&self, index: u32) -> Option<crate::model::NodeKind> {
        self.classes.get(index as usize).map(|c| c.kind())
    }

    /// Every node, by dense id.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeRef<'_>> + '_ {
        self.nodes.iter().enumerate().map(|(i, attrs)| NodeRef::new(self.ids.get(i).unwrap_or_default(), attrs))
    }

    /// The nodes that carry labels, in dense-id order: what
    /// [`FrozenGraph::nodes`] filtered on [`NodeRef::labels`] gives, without
    /// looking up the id of every node (most nodes carry none; at a million
    /// nodes the plain filter was 3 to 4 ms of every assessment that placed
    /// a file by the graph's source locations).
    pub fn nodes_with_labels(&self) -> impl Iterator<Item = NodeRef<'_>> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, attrs)| attrs.extra.as_ref().is_some_and(|e| !e.labels.is_empty()))
            .map(|(i, attrs)| NodeRef::new(self.ids.get(i).unwrap_or_default(), attrs))
    }

    /// Warnings from loading and merging.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The dependencies of `index` (targets of its out-edges), ascending.
    pub fn dependencies_of(&self, index: u32) -> &[u32] {
        self.csr.dependencies_of(index)
    }

    /// The dependencies of the nodes `first..end` (dense ids), one row
    /// after another: the forward edges of those nodes in edge order. Empty
    /// for a range outside the graph.
    pub fn dependencies_of_range(&self, first: u32, end: u32) -> &[u32] {
        let (offsets, targets) = self.csr.fwd();
        let at = |i: u32| offsets.get(i as usize).map(|&o| o as usize);
        match (at(first), at(end)) {
            (Some(a), Some(b)) if a <= b => targets.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The dependents of the nodes `first..end` (dense ids), one row after
    /// another, as they are in memory. Empty for a range outside the graph.
    pub fn dependents_of_range(&self, first: u32, end: u32) -> &[u32] {
        let (offsets, sources) = self.csr.rev();
        let at = |i: u32| offsets.get(i as usize).map(|&o| o as usize);
        match (at(first), at(end)) {
            (Some(a), Some(b)) if a <= b => sources.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The dependents of `index` (sources of its in-edges), ascending.
    pub fn dependents_of(&self, index: u32) -> &[u32] {
        self.csr.dependents_of(index)
    }

    /// The dependents of `index` with the propagation probability of each
    /// edge, ascending by dependent.
    pub fn dependents_with_probability(&self, index: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let (s, p) = self.csr.dependents_with_probability(index);
        s.iter().copied().zip(p.iter().copied())
    }

    /// The attributes of the edge `dependent -> dependency`, if present.
    ///
    /// # Complexity
    /// `O(log d)` for `d` dependencies of `dependent`.
    pub fn dependency(&self, dependent: u32, dependency: u32) -> Option<&Dependency> {
        let pos = self.dependencies_of(dependent).binary_search(&dependency).ok()?;
        self.dependency_at_edge(self.csr.first_edge(dependent) + pos)
    }

    /// Every edge as `(dependent, dependency, attributes)` in sorted order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, &Dependency)> + '_ {
        (0..self.nodes.len() as u32).flat_map(move |from| {
            let a = self.csr.first_edge(from);
            let targets = self.dependencies_of(from);
            (a..).zip(targets).filter_map(move |(e, &to)| Some((from, to, self.dependency_at_edge(e)?)))
        })
    }

    /// The forward edge number of each reverse entry of `index`, parallel to
    /// [`FrozenGraph::dependents_of`].
    pub fn dependent_edges_of(&self, index: u32) -> &[u32] {
        self.csr.dependent_edges_of(index)
    }

    /// The dependencies of `index` with each edge's attributes, ascending.
    pub fn dependencies_with_attributes(&self, index: u32) -> impl Iterator<Item = (u32, &Dependency)> + '_ {
        let a = self.csr.first_edge(index);
        (a..).zip(self.dependencies_of(index)).filter_map(move |(e, &to)| Some((to, self.dependency_at_edge(e)?)))
    }

    /// The attributes of forward edge number `edge`.
    pub fn dependency_at(&self, edge: u32) -> Option<&Dependency> {
        self.dependency_at_edge(edge as usize)
    }

    fn dependency_at_edge(&self, edge: usize) -> Option<&Dependency> {
        let (_, targets) = self.csr.fwd();
        self.deps.get(edge, targets, |v| self.classes.get(v as usize).map(|c| c.kind()))
    }

    /// Strongly connected components (iterative Tarjan; no recursion).
    ///
    /// # Complexity
    /// `O(V + E)` time and `O(V)` extra memory.
    pub fn components(&self) -> Components {
        let (offsets, targets) = self.csr.fwd();
        strongly_connected_components(offsets, targets)
    }

    /// Makes now, rather than in the first batch that needs it, the layout
    /// by strongly connected component that
    /// [`reach_count_batch`](crate::radius::reach_count_batch) sweeps for
    /// large batches (at a million services and ten million edges, 0.12 to
    /// 0.2 s and 51 MB, once; kept for the graph's life). For a long-running
    /// service that answers batches, and for benchmarks that time the
    /// sweeps apart from it. No effect on any result.
    pub fn prepare_batch_reach(&self) {
        let _ = self.condensation();
    }

    pub(crate) fn condensation(&self) -> &crate::radius::Condensation {
        self.condensation.get_or_init(|| crate::radius::Condensation::new(self))
    }

    pub(crate) fn has_condensation(&self) -> bool {
        self.condensation.get().is_some()
    }

    /// The cycles: every strongly connected component of more than one
    /// node, each as ids sorted by id, the list sorted by its first id.
    pub fn cycles(&self) -> Vec<Vec<&str>> {
        let components = self.components();
        let mut out: Vec<Vec<&str>> = components
            .groups()
            .into_iter()
            .filter(|g| g.len() > 1)
            .map(|g| {
                let mut ids: Vec<&str> = g.iter().filter_map(|&i| self.id(i)).collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// The position of `index` among all nodes sorted by id (byte order):
    /// sorting dense ids by rank sorts them by id string.
    ///
    /// # Complexity
    /// The first call sorts the ids, `O(V log V)` on rayon's threads (about
    /// 0.1 s for 1M nodes); later calls are `O(1)`.
    pub fn id_rank(&self, index: u32) -> Option<u32> {
        if self.numbered_in_id_order() {
            return ((index as usize) < self.nodes.len()).then_some(index);
        }
        self.id_ranks().get(index as usize).copied()
    }

    /// Whether dense ids follow the order of ids (`id_rank(i) == i` for
    /// every node), as for every graph from [`crate::GraphBuilder`] or a
    /// snapshot. Lets a pass over all nodes in id order skip the ranks.
    ///
    /// # Complexity
    /// `O(1)` for a graph read from a snapshot (its ids were checked
    /// ascending); else a pass comparing neighbouring ids the first time,
    /// on rayon's threads, then `O(1)`.
    pub fn numbered_in_id_order(&self) -> bool {
        *self.in_id_order.get_or_init(|| {
            (1..self.nodes.len()).into_par_iter().with_min_len(4096).all(|i| self.ids.get(i - 1) < self.ids.get(i))
        })
    }

    /// Whether the ranks of the ids are made.
    pub(crate) fn has_id_ranks(&self) -> bool {
        self.id_rank.get().is_some()
    }

    /// The rank of every node (see [`FrozenGraph::id_rank`]), by dense id.
    /// Graphs from [`crate::GraphBuilder`] number their nodes in id order,
    /// so this is the identity; it is computed rather than assumed so that
    /// a graph made any other way still sorts right.
    pub(crate) fn id_ranks(&self) -> &[u32] {
        self.id_rank.get_or_init(|| {
            if self.numbered_in_id_order() {
                (0..u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)).collect()
            } else {
                rank_ids(&self.ids())
            }
        })
    }

    /// The graph's owners ([`Owners`]), made on first use: `O(n log n)`
    /// once, 4 bytes a node.
    pub(crate) fn owners(&self) -> &Owners {
        self.owners.get_or_init(|| {
            let owner = |i: usize| self.nodes.get(i).and_then(|a| a.extra.as_ref()).and_then(|e| e.owner.as_deref());
            let co_owners = |i: usize| {
                let node = u32::try_from(i).ok().and_then(|i| self.node(i));
                node.into_iter().flat_map(NodeRef::owners).skip(1)
            };
            let mut names: Vec<&str> = (0..self.nodes.len()).filter_map(owner).collect();
            let owned = (0..self.nodes.len()).filter(|&i| owner(i).is_some());
            let co: Vec<(usize, &str)> = owned.flat_map(|i| co_owners(i).map(move |o| (i, o))).collect();
            names.extend(co.iter().map(|&(_, o)| o));
            names.sort_unstable();
            names.dedup();
            let position = |o: &str| names.binary_search(&o).ok().and_then(|p| u32::try_from(p).ok());
            let of_node = (0..self.nodes.len()).map(|i| owner(i).and_then(position).unwrap_or(Owners::NONE)).collect();
            let mut co: Vec<(u32, u32)> =
                co.into_iter().filter_map(|(i, o)| Some((u32::try_from(i).ok()?, position(o)?))).collect();
            co.sort_unstable();
            Owners { names: names.into_iter().map(Box::from).collect(), of_node, co }
        })
    }

    fn ids(&self) -> Vec<&str> {
        (0..self.nodes.len()).map(|i| self.ids.get(i).unwrap_or_default()).collect()
    }

    pub(crate) fn csr(&self) -> &Csr {
        &self.csr
    }

    /// The build-time form of the graph again, for what only a
    /// [`ServiceGraph`] offers (DOT and native JSON export), naming
    /// `sources` as its sources.
    ///
    /// # Complexity
    /// `O(V + E)`: the petgraph graph is built from the forward rows, and
    /// the index of ids too for a graph read from a snapshot.
    pub fn into_service_graph(self, sources: Vec<String>) -> ServiceGraph {
        let nodes: Vec<Node> = self.nodes().map(NodeRef::to_node).collect();
        let Self { index, csr, deps, warnings, .. } = self;
        let index = index.unwrap_or_else(|| {
            let mut index = NameIndex::with_capacity(nodes.len());
            for (i, node) in (0u32..).zip(&nodes) {
                let hash = index.hash(node.id());
                let found = index.find(hash, node.id(), |v| nodes.get(v as usize).map(Node::id));
                // INVARIANT: ids are unique, so each is new.
                if let Err(vacant) = found {
                    index.insert(vacant, i);
                }
            }
            index
        });
        let (offsets, targets) = csr.fwd();
        let graph = crate::build::petgraph_of(offsets, targets);
        ServiceGraph::new(graph, nodes, deps, csr, index, warnings, sources)
    }

    /// The class of node `index` (a default one out of range).
    #[inline]
    pub(crate) fn class(&self, index: u32) -> NodeClass {
        self.classes.get(index as usize).copied().unwrap_or(NodeClass(2))
    }

    /// Approximate heap bytes held, for docs/performance.md: the arrays,
    /// the nodes with their ids, the index, and the order of ids and the
    /// owner table once made.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.nodes.capacity() * size_of::<NodeAttrs>()
            + self.ids.heap_bytes()
            + self.index.as_ref().map_or(0, NameIndex::heap_bytes)
            + self.csr.heap_bytes()
            + self.deps.heap_bytes()
            + self.classes.capacity()
            + self.id_rank.get().map_or(0, |r| r.capacity() * 4)
            + self.condensation.get().map_or(0, crate::radius::Condensation::heap_bytes)
            + self.owners.get().map_or(0, |o| {
                o.of_node.capacity() * 4
                    + o.names.capacity() * size_of::<Box<str>>()
                    + o.names.iter().map(|n| n.len()).sum::<usize>()
            })
    }
}

/// The position of each node in the order of ids. Sorted by the ids' first
/// eight bytes as one big-endian integer (ids hold no NUL, so padding with
/// zeros keeps byte order), and by whole ids only where those are equal.
pub(crate) fn rank_ids<S: AsRef<str> + Sync>(ids: &[S]) -> Vec<u32> {
    let id = |v: u32| ids.get(v as usize).map_or("", AsRef::as_ref);
    let mut keys: Vec<(u64, u32)> = (0u32..)
        .zip(ids)
        .map(|(v, s)| {
            let mut head = [0u8; 8];
            let bytes = s.as_ref().as_bytes();
            let len = bytes.len().min(8);
            if let (Some(dst), Some(src)) = (head.get_mut(..len), bytes.get(..len)) {
                dst.copy_from_slice(src);
            }
            (u64::from_be_bytes(head), v)
        })
        .collect();
    keys.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id(a.1).cmp(id(b.1))));
    let mut rank = vec![0u32; ids.len()];
    for (r, &(_, v)) in (0u32..).zip(&keys) {
        if let Some(slot) = rank.get_mut(v as usize) {
            *slot = r;
        }
    }
    rank
}

/// A hint to load the cache line holding `value`.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(value);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
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

/// The length of the row between the two offsets of `window`.
pub(crate) fn row_len(window: &[u32]) -> usize {
    match window {
        [a, b] => b.saturating_sub(*a) as usize,
        _ => 0,
    }
}

fn range(offsets: &[u32], index: u32) -> (usize, usize) {
    let i = index as usize;
    let a = offsets.get(i).copied().unwrap_or(0) as usize;
    let b = offsets.get(i + 1).copied().unwrap_or(0) as usize;
    (a, b.max(a))
}

/// The ids of a frozen graph's nodes, one after another in one buffer, and
/// where each starts: `n + 1` offsets into `text`, non-decreasing, each on
/// a character boundary.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ids {
    text: String,
    offsets: Offsets,
}

/// Offsets into the buffer of ids: 4 bytes each, or 8 when the ids hold
/// more than 4 GiB together (16 million ids of 512 bytes could).
#[derive(Debug, Clone)]
enum Offsets {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Default for Offsets {
    fn default() -> Self {
        Self::Narrow(vec![0])
    }
}

impl Ids {
    /// The ids `ids`, in order.
    pub(crate) fn of<'a>(ids: impl Iterator<Item = &'a str> + Clone) -> Self {
        let total: usize = ids.clone().map(str::len).sum();
        let mut text = String::with_capacity(total);
        let mut wide = vec![0u64];
        for id in ids {
            text.push_str(id);
            wide.push(text.len() as u64);
        }
        let offsets = match wide.iter().map(|&o| u32::try_from(o)).collect::<Result<Vec<u32>, _>>() {
            Ok(narrow) => Offsets::Narrow(narrow),
            Err(_) => Offsets::Wide(wide),
        };
        Self { text, offsets }
    }

    /// Ids read elsewhere: `offsets` (`n + 1`, non-decreasing, within
    /// `text`, each on a character boundary; a snapshot's reader checks).
    pub(crate) fn from_parts(text: String, offsets: Vec<u32>) -> Self {
        Self { text, offsets: Offsets::Narrow(offsets) }
    }

    /// The id of node `i`.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let (a, b) = match &self.offsets {
            Offsets::Narrow(o) => (*o.get(i)? as usize, *o.get(i + 1)? as usize),
            Offsets::Wide(o) => (usize::try_from(*o.get(i)?).ok()?, usize::try_from(*o.get(i + 1)?).ok()?),
        };
        self.text.get(a..b)
    }

    /// The ids `first..end`, one after another.
    fn range_text(&self, first: usize, end: usize) -> Option<&str> {
        let at = |i: usize| match &self.offsets {
            Offsets::Narrow(o) => o.get(i).map(|&x| x as usize),
            Offsets::Wide(o) => o.get(i).and_then(|&x| usize::try_from(x).ok()),
        };
        self.text.get(at(first)?..at(end)?)
    }

    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        match &self.offsets {
            Offsets::Narrow(o) => o.len().saturating_sub(1),
            Offsets::Wide(o) => o.len().saturating_sub(1),
        }
    }

    /// The first position whose id does not satisfy `before` (the ids
    /// ascending, `before` true for a prefix of them).
    pub(crate) fn partition_point(&self, before: impl Fn(&str) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(&before) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The ids' bytes, one after another, and the `n + 1` offsets, if they
    /// fit in 4 bytes each.
    pub(crate) fn parts(&self) -> Option<(&str, &[u32])> {
        match &self.offsets {
            Offsets::Narrow(o) => Some((&self.text, o)),
            Offsets::Wide(_) => None,
        }
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + match &self.offsets {
                Offsets::Narrow(o) => o.capacity() * 4,
                Offsets::Wide(o) => o.capacity() * 8,
            }
    }
}
