//! A graph fragment: what one source (one file) says about the graph,
//! before it is merged with the others.

use std::collections::HashMap;

use crate::error::GraphError;
use crate::limits;
use crate::model::{EdgeSpec, NodeSpec, Origin};

/// Node ids to dense ids. foldhash instead of std's SipHash: interning is
/// the hot loop of loading large graphs, and foldhash halves its cost
/// (measured on 1M nodes). Its per-map random seed keeps some resistance to
/// crafted collisions. The map is only looked up, never iterated for
/// output, so the seed cannot change results.
pub(crate) type NameIndex = HashMap<Box<str>, u32, foldhash::fast::RandomState>;

/// A warning about accepted input: it loaded, but something is worth a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    file: String,
    place: String,
    message: String,
}

impl Warning {
    /// Creates a warning.
    pub fn new(file: &str, place: impl Into<String>, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), place: place.into(), message: message.into() }
    }
    /// The file or source name.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// The place inside the file, possibly empty.
    pub fn place(&self) -> &str {
        &self.place
    }
    /// What was noticed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.place, self.message)
        }
    }
}

/// One node as a fragment knows it.
#[derive(Debug, Clone)]
pub(crate) struct NodeDecl {
    pub(crate) id: Box<str>,
    pub(crate) spec: NodeSpec,
    /// Whether the source declares the node (rather than only referring to it).
    pub(crate) declared: bool,
    /// Where the node was first declared or referred to, for messages.
    pub(crate) place: Option<Box<str>>,
}

/// What one source says: nodes (interned to local dense ids) and edges.
///
/// Loaders build a fragment; [`crate::GraphBuilder`] merges fragments.
/// Duplicate declarations inside one fragment must agree: a conflicting
/// attribute is a [`GraphError::Conflict`]. Duplicate edges inside one
/// fragment are merged (counts summed).
#[derive(Debug, Clone)]
pub struct GraphFragment {
    pub(crate) file: String,
    pub(crate) origin: Origin,
    pub(crate) nodes: Vec<NodeDecl>,
    pub(crate) index: NameIndex,
    /// `(dependent, dependency)` in local ids.
    pub(crate) edges: Vec<(u32, u32)>,
    /// Attributes of the edges that have any, by position in `edges`,
    /// ascending.
    pub(crate) edge_specs: Vec<(u32, EdgeSpec)>,
    pub(crate) warnings: Vec<Warning>,
}

impl GraphFragment {
    /// An empty fragment for `file` whose statements have trust `origin`.
    pub fn new(file: &str, origin: Origin) -> Self {
        Self {
            file: file.to_owned(),
            origin,
            nodes: Vec::new(),
            index: NameIndex::default(),
            edges: Vec::new(),
            edge_specs: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The file or source name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Number of distinct nodes the fragment mentions.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edge records (before duplicates are merged).
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Warnings recorded while loading.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Reserves room for `nodes` more nodes and `edges` more edges.
    pub fn reserve(&mut self, nodes: usize, edges: usize) {
        self.nodes.reserve(nodes);
        self.index.reserve(nodes);
        self.edges.reserve(edges);
    }

    /// Records a warning.
    pub fn warn(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning::new(&self.file, place, message));
    }

    /// Interns `id` and marks it declared with no attributes. This is the
    /// fast path of formats where naming a node declares it (edge lists,
    /// traces).
    ///
    /// # Errors
    /// An empty or over-long id, or more than [`limits::MAX_NODES`] nodes.
    pub fn node(&mut self, id: &str, place: impl FnOnce() -> String) -> Result<u32, GraphError> {
        if let Some(&local) = self.index.get(id) {
            if let Some(decl) = self.nodes.get_mut(local as usize) {
                decl.declared = true;
            }
            return Ok(local);
        }
        self.insert(id, true, place)
    }

    /// Interns `id` as a reference: the node must be declared by this or
    /// another source, or it becomes a dangling reference.
    ///
    /// # Errors
    /// An empty or over-long id, or more than [`limits::MAX_NODES`] nodes.
    pub fn reference(&mut self, id: &str, place: impl FnOnce() -> String) -> Result<u32, GraphError> {
        if let Some(&local) = self.index.get(id) {
            return Ok(local);
        }
        let place = place();
        let local = self.insert(id, false, || place.clone())?;
        if let Some(decl) = self.nodes.get_mut(local as usize) {
            decl.place = Some(place.into_boxed_str());
        }
        Ok(local)
    }

    /// Declares `id` with attributes, merging with an earlier declaration in
    /// this fragment.
    ///
    /// # Errors
    /// [`GraphError::Conflict`] if an earlier declaration in this fragment
    /// set an attribute to another value; id and limit errors as in
    /// [`GraphFragment::node`].
    pub fn declare(&mut self, id: &str, spec: NodeSpec, place: impl FnOnce() -> String) -> Result<u32, GraphError> {
        let place = place();
        let local = match self.index.get(id) {
            Some(&local) => local,
            None => self.insert(id, true, || place.clone())?,
        };
        let file = self.file.clone();
        let Some(decl) = self.nodes.get_mut(local as usize) else {
            return Err(GraphError::invalid(&file, place, id, "internal error: node index out of range"));
        };
        check_spec(&file, &place, &spec)?;
        merge_same_source(&file, &place, id, &mut decl.spec, spec)?;
        decl.declared = true;
        decl.place = Some(place.into_boxed_str());
        Ok(local)
    }

    /// Adds the edge `dependent -> dependency` (local ids from
    /// [`GraphFragment::node`], [`GraphFragment::reference`] or
    /// [`GraphFragment::declare`]).
    ///
    /// # Errors
    /// More than [`limits::MAX_EDGES`] edges.
    pub fn edge(&mut self, dependent: u32, dependency: u32, spec: EdgeSpec) -> Result<(), GraphError> {
        let position = self.edges.len();
        if position as u64 >= limits::MAX_EDGES {
            return Err(GraphError::limit(&self.file, "max_edges", limits::MAX_EDGES, position as u64 + 1));
        }
        if !spec.is_empty() {
            let position = u32::try_from(position)
                .map_err(|_| GraphError::limit(&self.file, "max_edges", limits::MAX_EDGES, position as u64 + 1))?;
            self.edge_specs.push((position, spec));
        }
        self.edges.push((dependent, dependency));
        Ok(())
    }

    fn insert(&mut self, id: &str, declared: bool, place: impl FnOnce() -> String) -> Result<u32, GraphError> {
        check_id(&self.file, id, place)?;
        let local = self.nodes.len();
        if local as u64 >= limits::MAX_NODES {
            return Err(GraphError::limit(&self.file, "max_nodes", limits::MAX_NODES, local as u64 + 1));
        }
        let local = u32::try_from(local)
            .map_err(|_| GraphError::limit(&self.file, "max_nodes", limits::MAX_NODES, local as u64 + 1))?;
        let id: Box<str> = id.into();
        self.index.insert(id.clone(), local);
        self.nodes.push(NodeDecl { id, spec: NodeSpec::default(), declared, place: None });
        Ok(local)
    }
}

/// Checks a node id: not empty, no control characters, not over
/// [`limits::MAX_ID_BYTES`].
///
/// # Errors
/// [`GraphError::InvalidValue`] or [`GraphError::LimitExceeded`].
pub fn check_id(file: &str, id: &str, place: impl FnOnce() -> String) -> Result<(), GraphError> {
    if id.is_empty() {
        return Err(
            GraphError::invalid(file, place(), id, "node id is empty").with_help("give every node a non-empty id")
        );
    }
    if id.len() > limits::MAX_ID_BYTES {
        return Err(GraphError::limit(file, "max_id_bytes", limits::MAX_ID_BYTES as u64, id.len() as u64));
    }
    if id.chars().any(char::is_control) {
        return Err(GraphError::invalid(
            file,
            place(),
            id.escape_debug().to_string(),
            "node id contains a control character",
        ));
    }
    Ok(())
}

/// Checks string lengths and label counts of a node's attributes.
fn check_spec(file: &str, place: &str, spec: &NodeSpec) -> Result<(), GraphError> {
    if spec.labels.len() > limits::MAX_LABELS {
        return Err(GraphError::limit(file, "max_labels", limits::MAX_LABELS as u64, spec.labels.len() as u64));
    }
    let strings = spec.owner.iter().chain(spec.system.iter()).chain(spec.labels.iter().flat_map(|(k, v)| [k, v]));
    for s in strings {
        if s.len() > limits::MAX_STRING_BYTES {
            return Err(GraphError::limit(file, "max_string_bytes", limits::MAX_STRING_BYTES as u64, s.len() as u64));
        }
    }
    let _ = place;
    Ok(())
}

/// Merges `new` into `old` for two declarations of `id` in one source: a
/// field set in both must be equal.
fn merge_same_source(file: &str, place: &str, id: &str, old: &mut NodeSpec, new: NodeSpec) -> Result<(), GraphError> {
    fn pick<T: PartialEq + std::fmt::Debug>(
        file: &str,
        place: &str,
        id: &str,
        field: &str,
        old: &mut Option<T>,
        new: Option<T>,
    ) -> Result<(), GraphError> {
        match (old.as_ref(), new) {
            (Some(a), Some(b)) if *a != b => Err(GraphError::Conflict(crate::error::ErrorDetail::new(
                file,
                place,
                id,
                format!("node declared twice with different `{field}` ({a:?} and {b:?})"),
            ))
            .with_help("declare each node once per file, or make the declarations agree")),
            (None, Some(b)) => {
                *old = Some(b);
                Ok(())
            }
            _ => Ok(()),
        }
    }
    pick(file, place, id, "kind", &mut old.kind, new.kind)?;
    pick(file, place, id, "tier", &mut old.tier, new.tier)?;
    pick(file, place, id, "owner", &mut old.owner, new.owner)?;
    pick(file, place, id, "system", &mut old.system, new.system)?;
    pick(file, place, id, "traffic", &mut old.traffic, new.traffic)?;
    pick(file, place, id, "user_facing", &mut old.user_facing, new.user_facing)?;
    for (key, value) in new.labels {
        let mut slot = old.labels.get(&key).cloned();
        pick(file, place, id, &format!("labels.{key}"), &mut slot, Some(value))?;
        if let Some(v) = slot {
            old.labels.insert(key, v);
        }
    }
    Ok(())
}
