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
use crate::fragment::{GraphFragment, NameIndex, NodeDecl, Warning};
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
        let GraphBuilder { options, mut fragments, .. } = self;
        let mut merge = Merge::default();
        let mut locals: Vec<Vec<u32>> = Vec::with_capacity(fragments.len());
        for (f, fragment) in fragments.iter_mut().enumerate() {
            locals.push(merge.add_nodes(f, fragment)?);
        }
        let mut warnings = Warnings::default();
        for fragment in &fragments {
            for w in &fragment.warnings {
                warnings.push(w.clone());
            }
        }
        for (f, (fragment, local)) in fragments.iter_mut().zip(&locals).enumerate() {
            merge.add_edges(f, fragment, local);
        }
        drop(locals);
        let files: Vec<String> = fragments.iter().map(|f| f.file.clone()).collect();
        drop(fragments);
        let nodes = merge.finish_nodes(&files, options, &mut warnings)?;
        // An edge's default kind comes from its dependency's kind: a byte
        // per node stays in cache while edges are merged, the nodes do not.
        let kinds: Vec<NodeKind> = nodes.iter().map(Node::kind).collect();
        let mut graph: DiGraph<Node, Dependency, u32> = DiGraph::with_capacity(nodes.len(), merge.edges.len());
        for node in nodes {
            graph.add_node(node);
        }
        merge.finish_edges(&mut graph, &kinds, &files, &mut warnings);
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

/// A node being merged. Small on purpose: large edge lists have millions
/// of nodes with no attributes, so attributes live in a box made only
/// when a source states one.
struct MergedNode {
    id: Box<str>,
    origin: Option<Origin>,
    first_reference: Option<(usize, Box<str>)>,
    attributes: Option<Box<MergedAttributes>>,
}

#[derive(Default)]
struct MergedAttributes {
    kind: Option<Slot<NodeKind>>,
    tier: Option<Slot<crate::model::Tier>>,
    owner: Option<Slot<String>>,
    system: Option<Slot<String>>,
    traffic: Option<Slot<crate::model::Traffic>>,
    user_facing: Option<Slot<bool>>,
    labels: HashMap<String, Slot<String>>,
    conflicts: Vec<(usize, usize, String)>,
}

impl MergedNode {
    fn new(id: Box<str>) -> Self {
        Self { id, origin: None, first_reference: None, attributes: None }
    }

    /// Takes in what fragment `f` (of trust `origin`) says about the node.
    fn absorb(&mut self, f: usize, origin: Origin, declared: bool, place: Option<Box<str>>, spec: NodeSpec) {
        if declared {
            self.origin = Some(self.origin.map_or(origin, |o| o.max(origin)));
        } else if self.first_reference.is_none() {
            self.first_reference = Some((f, place.unwrap_or_default()));
        }
        if spec.is_empty() {
            return;
        }
        let a = self.attributes.get_or_insert_with(Box::default);
        let NodeSpec { kind, tier, owner, system, labels, traffic, user_facing } = spec;
        let c = &mut a.conflicts;
        offer(&mut a.kind, kind, origin, f, c, "kind");
        offer(&mut a.tier, tier, origin, f, c, "tier");
        offer(&mut a.owner, owner, origin, f, c, "owner");
        offer(&mut a.system, system, origin, f, c, "system");
        offer(&mut a.traffic, traffic, origin, f, c, "traffic");
        offer(&mut a.user_facing, user_facing, origin, f, c, "user_facing");
        for (key, value) in labels {
            let mut slot = a.labels.remove(&key);
            offer(&mut slot, Some(value), origin, f, c, &format!("labels.{key}"));
            if let Some(slot) = slot {
                a.labels.insert(key, slot);
            }
        }
    }
}

#[derive(Default)]
struct Merge {
    index: NameIndex,
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
            // global ones and its index map is reused as it is, with no
            // lookup per node. INVARIANT: a fragment's index maps each id to
            // its position in the fragment's `nodes`.
            if decls.len() as u64 > limits::MAX_NODES {
                return Err(GraphError::limit(&fragment.file, "max_nodes", limits::MAX_NODES, decls.len() as u64));
            }
            self.index = std::mem::take(&mut fragment.index);
            self.nodes.reserve(decls.len());
            for (g, decl) in (0u32..).zip(decls) {
                let NodeDecl { id, spec, declared, place } = decl;
                let mut node = MergedNode::new(id);
                node.absorb(f, origin, declared, place, spec);
                self.nodes.push(node);
                local.push(g);
            }
            return Ok(local);
        }
        for decl in decls {
            let NodeDecl { id, spec, declared, place } = decl;
            let global = match self.index.get(&id) {
                Some(&g) if (g as usize) < self.nodes.len() => g,
                _ => {
                    if self.nodes.len() as u64 >= limits::MAX_NODES {
                        let observed = self.nodes.len() as u64 + 1;
                        return Err(GraphError::limit(&fragment.file, "max_nodes", limits::MAX_NODES, observed));
                    }
                    let g = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
                    self.index.insert(id.clone(), g);
                    self.nodes.push(MergedNode::new(id));
                    g
                }
            };
            if let Some(node) = self.nodes.get_mut(global as usize) {
                node.absorb(f, origin, declared, place, spec);
            }
            local.push(global);
        }
        Ok(local)
    }

    fn add_edges(&mut self, f: usize, fragment: &mut GraphFragment, local: &[u32]) {
        let base = self.edges.len();
        self.edge_starts.push(base);
        if base == 0 && local.iter().zip(0u32..).all(|(&g, i)| g == i) {
            // The first fragment kept its ids: take its records as they are
            // (a record naming no node becomes `u32::MAX`, as below).
            self.edges = std::mem::take(&mut fragment.edges);
            let known = u32::try_from(local.len()).unwrap_or(u32::MAX);
            for (from, to) in &mut self.edges {
                if *from >= known {
                    *from = u32::MAX;
                }
                if *to >= known {
                    *to = u32::MAX;
                }
            }
        } else {
            self.edges.reserve(fragment.edges.len());
            for &(a, b) in &fragment.edges {
                let from = local.get(a as usize).copied().unwrap_or(u32::MAX);
                let to = local.get(b as usize).copied().unwrap_or(u32::MAX);
                self.edges.push((from, to));
            }
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
            let attrs = m.attributes.map(|a| *a).unwrap_or_default();
            for (a, b, message) in &attrs.conflicts {
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
            let kind = attrs.kind.map(|s| s.value).unwrap_or(if origin == Origin::Placeholder {
                NodeKind::External
            } else {
                NodeKind::Service
            });
            let mut labels = std::collections::BTreeMap::new();
            for (k, s) in attrs.labels {
                labels.insert(k, s.value);
            }
            out.push(Node {
                id: m.id,
                kind,
                tier: attrs.tier.map(|s| s.value),
                owner: attrs.owner.map(|s| s.value.into_boxed_str()),
                system: attrs.system.map(|s| s.value.into_boxed_str()),
                labels,
                traffic: attrs.traffic.map(|s| s.value),
                user_facing: attrs.user_facing.map(|s| s.value).or((kind == NodeKind::Journey).then_some(true)),
                origin,
            });
        }
        Ok(out)
    }

    /// Sorts edges by `(dependent, dependency)`, merges duplicates, drops
    /// self-loops and adds the edges to `graph` (whose nodes are in place;
    /// `kinds` holds their kinds) in sorted order.
    fn finish_edges(
        &mut self,
        graph: &mut DiGraph<Node, Dependency, u32>,
        kinds: &[NodeKind],
        files: &[String],
        warnings: &mut Warnings,
    ) {
        let n = kinds.len();
        let edges = std::mem::take(&mut self.edges);
        let mut specs = std::mem::take(&mut self.specs);
        // Stable, and linear on the usual already sorted input: records of
        // one position keep their input order.
        specs.sort_by_key(|s| s.0);
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
        drop(cursor);
        let name = |graph: &DiGraph<Node, Dependency, u32>, i: usize| {
            graph.node_weight(NodeIndex::new(i)).map_or_else(String::new, |node| node.id().to_owned())
        };
        let mut self_loops = 0usize;
        for from in 0..n {
            let start = offsets.get(from).copied().unwrap_or(0) as usize;
            let end = offsets.get(from + 1).copied().unwrap_or(0) as usize;
            if let Some(bucket) = sorted.get_mut(start..end) {
                bucket.sort_unstable();
            }
            let Some(bucket) = sorted.get(start..end) else { continue };
            let from32 = u32::try_from(from).unwrap_or(u32::MAX);
            let mut i = 0;
            while i < bucket.len() {
                let to = bucket.get(i).map_or(0, |e| e.0);
                let mut j = i;
                while bucket.get(j).is_some_and(|e| e.0 == to) {
                    j += 1;
                }
                if to == from32 {
                    self_loops += 1;
                    if self_loops <= 10 {
                        warnings.push(Warning::new(
                            "(merged graph)",
                            format!("node `{}`", name(graph, from)),
                            "self-loop dropped: a node depending on itself adds no blast radius",
                        ));
                    }
                } else if let Some(&kind) = kinds.get(to as usize) {
                    let records = bucket.get(i..j).unwrap_or_default();
                    let (dep, conflicts) = self.merge_edge(records, &specs, kind);
                    for (a, b, message) in conflicts {
                        let file = |f: usize| files.get(f).map_or("(unknown)", String::as_str);
                        warnings.push(Warning::new(
                            file(b),
                            format!("edge `{}` -> `{}`", name(graph, from), name(graph, to as usize)),
                            format!("{message} (first file: {})", file(a)),
                        ));
                    }
                    graph.add_edge(NodeIndex::new(from), NodeIndex::new(to as usize), dep);
                }
                // A record naming no node (a loader's bug) is dropped.
                i = j;
            }
        }
        if self_loops > 10 {
            warnings.push(Warning::new("(merged graph)", "", format!("{} more self-loops dropped", self_loops - 10)));
        }
    }

    /// Merges the records of one edge whose dependency is of kind `kind`.
    /// `specs` holds the attributes of records that have any, sorted by
    /// record position. Returns the edge and the conflicts between sources
    /// (first file, second file, message).
    fn merge_edge(
        &self,
        records: &[(u32, u32)],
        specs: &[(u32, usize, EdgeSpec)],
        kind: NodeKind,
    ) -> (Dependency, Vec<(usize, usize, String)>) {
        let mut edge_kind: Option<Slot<EdgeKind>> = None;
        let mut strength: Option<Slot<Strength>> = None;
        let mut probability: Option<Slot<crate::model::Probability>> = None;
        let mut observation: Option<Observation> = None;
        let mut origin = Origin::Placeholder;
        let mut conflicts = Vec::new();
        for &(_, pos) in records {
            // Edge origin: the records' fragments. Without attributes a
            // record still says the edge exists with its fragment's trust.
            let list = specs_at(specs, pos);
            if list.is_empty() {
                origin = origin.max(self.origin_of_record(pos));
                continue;
            }
            for &(_, f, spec) in list {
                let o = self.origins.get(f).copied().unwrap_or(Origin::Placeholder);
                origin = origin.max(o);
                offer(&mut edge_kind, spec.kind, o, f, &mut conflicts, "kind");
                offer(&mut strength, spec.strength, o, f, &mut conflicts, "strength");
                offer(&mut probability, spec.probability, o, f, &mut conflicts, "probability");
                if let Some(obs) = spec.observation {
                    let acc = observation.get_or_insert_with(Observation::default);
                    acc.calls = acc.calls.saturating_add(obs.calls);
                    acc.errors = acc.errors.saturating_add(obs.errors);
                }
            }
        }
        let dep = Dependency {
            kind: edge_kind.map(|s| s.value).unwrap_or_else(|| default_edge_kind(Some(kind))),
            strength: strength.map(|s| s.value).unwrap_or_default(),
            probability: probability.map(|s| s.value),
            observation: observation.map(Box::new),
            origin,
        };
        (dep, conflicts)
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

/// The attributes stated for edge record `pos`: a run of `specs`, which is
/// sorted by position (empty for most records).
fn specs_at(specs: &[(u32, usize, EdgeSpec)], pos: u32) -> &[(u32, usize, EdgeSpec)] {
    if specs.is_empty() {
        return specs;
    }
    let rest = specs.get(specs.partition_point(|s| s.0 < pos)..).unwrap_or_default();
    rest.get(..rest.partition_point(|s| s.0 == pos)).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tier;

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
    fn attributes_merge_by_trust_then_first_file() {
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
        assert!(warning.message().contains("(first file: b.yaml)"), "{warning}");
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
        assert!(graph.warnings().iter().any(|w| w.message().contains("self-loop dropped")));
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
