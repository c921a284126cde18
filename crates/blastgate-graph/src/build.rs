//! Merging fragments into one validated [`ServiceGraph`].
//!
//! Merge rules (documented in docs/formats.md, "Merging sources"):
//! - the same id is the same node, whatever file names it;
//! - for each attribute the most trusted source wins ([`Origin`]: declared >
//!   observed > listed); between sources of equal trust the first file wins
//!   and a warning names both values;
//! - edges are deduplicated by `(dependent, dependency)`; call and error
//!   counts are summed over all records;
//! - a node that is referred to but declared nowhere becomes an `external`
//!   node with a warning, or a [`GraphError::Dangling`] error in strict mode;
//! - self-loops are dropped with a warning.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::error::{ErrorDetail, GraphError};
use crate::fragment::{GraphFragment, NodeDecl, Warning};
use crate::graph::ServiceGraph;
use crate::limits;
use crate::model::{Dependency, EdgeKind, EdgeSpec, Node, NodeKind, NodeSpec, Observation, Origin, Strength};

/// Most warnings kept; past it one summary warning counts the rest.
pub const MAX_WARNINGS: usize = 1000;

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
        let GraphBuilder { options, fragments, .. } = self;
        let mut merge = Merge::default();
        let mut locals: Vec<Vec<u32>> = Vec::with_capacity(fragments.len());
        let mut fragments = fragments;
        for (f, fragment) in fragments.iter_mut().enumerate() {
            locals.push(merge.add_nodes(f, fragment)?);
        }
        let mut warnings = Warnings::default();
        for fragment in &fragments {
            for w in &fragment.warnings {
                warnings.push(w.clone());
            }
        }
        for (f, (fragment, local)) in fragments.iter().zip(&locals).enumerate() {
            merge.add_edges(f, fragment, local);
        }
        let files: Vec<String> = fragments.iter().map(|f| f.file.clone()).collect();
        drop(fragments);
        let nodes = merge.finish_nodes(&files, options, &mut warnings)?;
        let (edges, specs) = merge.finish_edges(&nodes, &files, &mut warnings);
        let mut graph: DiGraph<Node, Dependency, u32> = DiGraph::with_capacity(nodes.len(), edges.len());
        for node in nodes {
            graph.add_node(node);
        }
        for ((from, to), dep) in edges.into_iter().zip(specs) {
            graph.add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), dep);
        }
        Ok(ServiceGraph::new(graph, merge.index, warnings.finish(), files))
    }
}

#[derive(Default)]
struct Warnings {
    kept: Vec<Warning>,
    dropped: usize,
}

impl Warnings {
    fn push(&mut self, w: Warning) {
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(w);
        } else {
            self.dropped += 1;
        }
    }

    fn finish(mut self) -> Vec<Warning> {
        if self.dropped > 0 {
            self.kept.push(Warning::new("(all inputs)", "", format!("{} more warnings not shown", self.dropped)));
        }
        self.kept
    }
}

/// One attribute value with where it came from.
#[derive(Clone)]
struct Slot<T> {
    value: T,
    origin: Origin,
    file: usize,
}

fn offer<T: PartialEq + std::fmt::Debug>(
    slot: &mut Option<Slot<T>>,
    value: Option<T>,
    origin: Origin,
    file: usize,
    conflict: &mut Vec<(usize, usize, String)>,
    field: &str,
) {
    let Some(value) = value else { return };
    match slot {
        None => *slot = Some(Slot { value, origin, file }),
        Some(old) if origin > old.origin => *slot = Some(Slot { value, origin, file }),
        Some(old) if origin == old.origin && old.value != value && old.file != file => {
            conflict.push((
                old.file,
                file,
                format!(
                    "`{field}` is {:?} in the first file and {:?} in the second; keeping the first",
                    old.value, value
                ),
            ));
        }
        Some(_) => {}
    }
}

#[derive(Default)]
struct MergedNode {
    id: Box<str>,
    kind: Option<Slot<NodeKind>>,
    tier: Option<Slot<crate::model::Tier>>,
    owner: Option<Slot<String>>,
    system: Option<Slot<String>>,
    traffic: Option<Slot<crate::model::Traffic>>,
    user_facing: Option<Slot<bool>>,
    labels: HashMap<String, Slot<String>>,
    origin: Option<Origin>,
    first_reference: Option<(usize, Box<str>)>,
    conflicts: Vec<(usize, usize, String)>,
}

impl MergedNode {
    fn absorb(&mut self, f: usize, origin: Origin, decl: NodeDecl) {
        if decl.declared {
            self.origin = Some(self.origin.map_or(origin, |o| o.max(origin)));
        } else if self.first_reference.is_none() {
            self.first_reference = Some((f, decl.place.unwrap_or_default()));
        }
        let NodeSpec { kind, tier, owner, system, labels, traffic, user_facing } = decl.spec;
        let c = &mut self.conflicts;
        offer(&mut self.kind, kind, origin, f, c, "kind");
        offer(&mut self.tier, tier, origin, f, c, "tier");
        offer(&mut self.owner, owner, origin, f, c, "owner");
        offer(&mut self.system, system, origin, f, c, "system");
        offer(&mut self.traffic, traffic, origin, f, c, "traffic");
        offer(&mut self.user_facing, user_facing, origin, f, c, "user_facing");
        for (key, value) in labels {
            let mut slot = self.labels.remove(&key);
            offer(&mut slot, Some(value), origin, f, c, &format!("labels.{key}"));
            if let Some(slot) = slot {
                self.labels.insert(key, slot);
            }
        }
    }
}

#[derive(Default)]
struct Merge {
    index: HashMap<Box<str>, u32>,
    nodes: Vec<MergedNode>,
    /// Every edge record in input order: `(dependent, dependency)`.
    edges: Vec<(u32, u32)>,
    /// Attributes of records that have any: position in `edges`, file, spec.
    specs: Vec<(u32, usize, EdgeSpec)>,
    origins: Vec<Origin>,
    /// Position in `edges` of each fragment's first record.
    edge_starts: Vec<usize>,
}

impl Merge {
    /// Interns a fragment's nodes; returns the global id of each local id.
    fn add_nodes(&mut self, f: usize, fragment: &mut GraphFragment) -> Result<Vec<u32>, GraphError> {
        let origin = fragment.origin;
        self.origins.push(origin);
        let decls = std::mem::take(&mut fragment.nodes);
        let mut local = Vec::with_capacity(decls.len());
        if self.nodes.is_empty() {
            // Fast path for the first fragment: its dense ids become the
            // global ones and its index map is reused.
            self.index = std::mem::take(&mut fragment.index);
        }
        for decl in decls {
            let global = match self.index.get(&decl.id) {
                Some(&g) if (g as usize) < self.nodes.len() => g,
                _ => {
                    if self.nodes.len() as u64 >= limits::MAX_NODES {
                        let observed = self.nodes.len() as u64 + 1;
                        return Err(GraphError::limit(&fragment.file, "max_nodes", limits::MAX_NODES, observed));
                    }
                    let g = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
                    self.index.insert(decl.id.clone(), g);
                    self.nodes.push(MergedNode { id: decl.id.clone(), ..MergedNode::default() });
                    g
                }
            };
            if let Some(node) = self.nodes.get_mut(global as usize) {
                node.absorb(f, origin, decl);
            }
            local.push(global);
        }
        Ok(local)
    }

    fn add_edges(&mut self, f: usize, fragment: &GraphFragment, local: &[u32]) {
        let base = self.edges.len();
        self.edge_starts.push(base);
        self.edges.reserve(fragment.edges.len());
        for &(a, b) in &fragment.edges {
            let from = local.get(a as usize).copied().unwrap_or(u32::MAX);
            let to = local.get(b as usize).copied().unwrap_or(u32::MAX);
            self.edges.push((from, to));
        }
        for &(pos, spec) in &fragment.edge_specs {
            let global = u32::try_from(base + pos as usize).unwrap_or(u32::MAX);
            self.specs.push((global, f, spec));
        }
    }

    fn finish_nodes(
        &mut self,
        files: &[String],
        options: BuildOptions,
        warnings: &mut Warnings,
    ) -> Result<Vec<Node>, GraphError> {
        let mut out = Vec::with_capacity(self.nodes.len());
        for m in std::mem::take(&mut self.nodes) {
            let file_name = |f: usize| files.get(f).map_or("(unknown)", String::as_str);
            for (a, b, message) in &m.conflicts {
                warnings.push(Warning::new(
                    file_name(*b),
                    format!("node `{}`", m.id),
                    format!("{message} (first file: {})", file_name(*a)),
                ));
            }
            let origin = match m.origin {
                Some(o) => o,
                None => {
                    let (f, place) = m.first_reference.clone().unwrap_or((0, Box::from("")));
                    if options.strict {
                        return Err(GraphError::Dangling(ErrorDetail::new(
                            file_name(f),
                            place.to_string(),
                            m.id.to_string(),
                            "reference to a node that no input declares",
                        ))
                        .with_help("declare the node, fix the spelling, or drop --strict to treat it as external"));
                    }
                    warnings.push(Warning::new(
                        file_name(f),
                        place.to_string(),
                        format!("`{}` is referenced but declared nowhere; treated as an external node", m.id),
                    ));
                    Origin::Placeholder
                }
            };
            let kind = m.kind.map(|s| s.value).unwrap_or(if origin == Origin::Placeholder {
                NodeKind::External
            } else {
                NodeKind::Service
            });
            let mut labels = std::collections::BTreeMap::new();
            for (k, s) in m.labels {
                labels.insert(k, s.value);
            }
            out.push(Node {
                id: m.id,
                kind,
                tier: m.tier.map(|s| s.value),
                owner: m.owner.map(|s| s.value.into_boxed_str()),
                system: m.system.map(|s| s.value.into_boxed_str()),
                labels,
                traffic: m.traffic.map(|s| s.value),
                user_facing: m.user_facing.map(|s| s.value).or((kind == NodeKind::Journey).then_some(true)),
                origin,
            });
        }
        Ok(out)
    }

    /// Sorts edges by `(dependent, dependency)`, merges duplicates and drops
    /// self-loops. Returns the edges and their attributes, in sorted order.
    fn finish_edges(
        &mut self,
        nodes: &[Node],
        files: &[String],
        warnings: &mut Warnings,
    ) -> (Vec<(u32, u32)>, Vec<Dependency>) {
        let n = nodes.len();
        let edges = std::mem::take(&mut self.edges);
        let specs = std::mem::take(&mut self.specs);
        // Counting sort by dependent keeps input order inside each bucket,
        // so the first record of a duplicate run is the earliest one.
        let mut offsets = vec![0u32; n + 1];
        for &(from, _) in &edges {
            if let Some(c) = offsets.get_mut(from as usize + 1) {
                *c += 1;
            }
        }
        for i in 1..offsets.len() {
            let prev = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = offsets.get_mut(i) {
                *c += prev;
            }
        }
        let mut cursor = offsets.clone();
        // (dependency, record position)
        let mut sorted: Vec<(u32, u32)> = vec![(0, 0); edges.len()];
        for (pos, &(from, to)) in edges.iter().enumerate() {
            if let Some(c) = cursor.get_mut(from as usize)
                && let Some(slot) = sorted.get_mut(*c as usize)
            {
                *slot = (to, u32::try_from(pos).unwrap_or(u32::MAX));
                *c += 1;
            }
        }
        drop(edges);
        let mut spec_at: HashMap<u32, Vec<(usize, EdgeSpec)>> = HashMap::new();
        for (pos, f, spec) in specs {
            spec_at.entry(pos).or_default().push((f, spec));
        }
        let mut out_edges = Vec::with_capacity(sorted.len());
        let mut out_deps = Vec::with_capacity(sorted.len());
        let mut self_loops = 0usize;
        for from in 0..n {
            let start = offsets.get(from).copied().unwrap_or(0) as usize;
            let end = offsets.get(from + 1).copied().unwrap_or(0) as usize;
            let Some(bucket) = sorted.get_mut(start..end) else { continue };
            bucket.sort_unstable();
            let mut i = 0;
            while i < bucket.len() {
                let to = bucket.get(i).map_or(0, |e| e.0);
                let mut j = i;
                while bucket.get(j).is_some_and(|e| e.0 == to) {
                    j += 1;
                }
                let from32 = u32::try_from(from).unwrap_or(u32::MAX);
                if to == from32 {
                    self_loops += 1;
                    if self_loops <= 10 {
                        warnings.push(Warning::new(
                            "(merged graph)",
                            format!("node `{}`", nodes.get(from).map_or("", Node::id)),
                            "self-loop dropped: a node depending on itself adds no blast radius",
                        ));
                    }
                } else {
                    let records = bucket.get(i..j).unwrap_or_default();
                    let dep =
                        self.merge_edge(records, &spec_at, nodes.get(to as usize), files, nodes.get(from), warnings);
                    out_edges.push((from32, to));
                    out_deps.push(dep);
                }
                i = j;
            }
        }
        if self_loops > 10 {
            warnings.push(Warning::new("(merged graph)", "", format!("{} more self-loops dropped", self_loops - 10)));
        }
        (out_edges, out_deps)
    }

    fn merge_edge(
        &self,
        records: &[(u32, u32)],
        spec_at: &HashMap<u32, Vec<(usize, EdgeSpec)>>,
        dependency: Option<&Node>,
        files: &[String],
        dependent: Option<&Node>,
        warnings: &mut Warnings,
    ) -> Dependency {
        let mut kind: Option<Slot<EdgeKind>> = None;
        let mut strength: Option<Slot<Strength>> = None;
        let mut probability: Option<Slot<crate::model::Probability>> = None;
        let mut observation: Option<Observation> = None;
        let mut origin = Origin::Placeholder;
        let mut conflicts = Vec::new();
        for &(_, pos) in records {
            // Edge origin: the records' fragments. Without attributes a
            // record still says the edge exists with its fragment's trust.
            let Some(list) = spec_at.get(&pos) else {
                origin = origin.max(self.origin_of_record(pos));
                continue;
            };
            for &(f, spec) in list {
                let o = self.origins.get(f).copied().unwrap_or(Origin::Placeholder);
                origin = origin.max(o);
                offer(&mut kind, spec.kind, o, f, &mut conflicts, "kind");
                offer(&mut strength, spec.strength, o, f, &mut conflicts, "strength");
                offer(&mut probability, spec.probability, o, f, &mut conflicts, "probability");
                if let Some(obs) = spec.observation {
                    let acc = observation.get_or_insert_with(Observation::default);
                    acc.calls = acc.calls.saturating_add(obs.calls);
                    acc.errors = acc.errors.saturating_add(obs.errors);
                }
            }
        }
        for (a, b, message) in conflicts {
            let name = |f: usize| files.get(f).map_or("(unknown)", String::as_str);
            warnings.push(Warning::new(
                name(b),
                format!("edge `{}` -> `{}`", dependent.map_or("", Node::id), dependency.map_or("", Node::id)),
                format!("{message} (first file: {})", name(a)),
            ));
        }
        let kind = kind.map(|s| s.value).unwrap_or_else(|| default_edge_kind(dependency.map(Node::kind)));
        Dependency {
            kind,
            strength: strength.map(|s| s.value).unwrap_or_default(),
            probability: probability.map(|s| s.value),
            observation: observation.map(Box::new),
            origin,
        }
    }

    /// The origin of the fragment that holds edge record `pos`.
    fn origin_of_record(&self, pos: u32) -> Origin {
        // `edge_starts[f]` is the first record of fragment `f`; records are
        // appended fragment by fragment, so the holder is the last start at
        // or before `pos`.
        let f = self.edge_starts.partition_point(|&start| start <= pos as usize).saturating_sub(1);
        self.origins.get(f).copied().unwrap_or(Origin::Placeholder)
    }
}

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
