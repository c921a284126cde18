//! A graph fragment: what one source (one file) says about the graph,
//! before it is merged with the others.

mod names;

use std::collections::BTreeMap;

pub(crate) use names::NameIndex;
use rayon::prelude::*;

use crate::error::{GraphError, shorten};
use crate::limits;
use crate::model::{EdgeSpec, NodeSpec, Origin, Probability};

/// Self-loops a source gets a warning for each; past it, one warning
/// counts the rest.
pub const SELF_LOOP_WARNINGS: usize = 10;

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
        // The message quotes inputs: shown escaped (see `shown`).
        use crate::error::shown;
        if self.place.is_empty() {
            write!(f, "{}: {}", shown(&self.file), shown(&self.message))
        } else {
            write!(f, "{}: {}: {}", shown(&self.file), shown(&self.place), shown(&self.message))
        }
    }
}

/// What one source says: nodes (interned to local dense ids) and edges.
///
/// Loaders build a fragment; [`crate::GraphBuilder`] merges fragments.
/// Duplicate declarations inside one fragment must agree: a conflicting
/// attribute is a [`GraphError::Conflict`]. Duplicate edges inside one
/// fragment are merged (counts summed).
///
/// Nodes are stored column by column, and attributes only for the nodes
/// and edges that have any: large edge lists have millions of nodes and
/// edges with none, so each node costs its id and a few bytes, and each
/// edge 8 bytes.
#[derive(Debug, Clone)]
pub struct GraphFragment {
    pub(crate) file: String,
    pub(crate) origin: Origin,
    /// The id of each node, by local id. Each id is stored once: `index`
    /// refers to these.
    pub(crate) ids: Vec<Box<str>>,
    /// Whether the source declares each node (rather than only referring
    /// to it), by local id.
    pub(crate) declared: Vec<bool>,
    /// Attributes of the nodes that have any (never empty), by local id.
    pub(crate) specs: BTreeMap<u32, NodeSpec>,
    /// Where each node first met as a reference was referred to, for
    /// messages, ascending by local id.
    pub(crate) places: Vec<(u32, Box<str>)>,
    pub(crate) index: NameIndex,
    /// `(dependent, dependency)` in local ids.
    pub(crate) edges: Vec<(u32, u32)>,
    /// The probability of each edge whose only attribute is a probability,
    /// by position in `edges`, ascending.
    pub(crate) edge_probabilities: Vec<(u32, Probability)>,
    /// Attributes of the other edges that have any, by position in
    /// `edges`, ascending.
    pub(crate) edge_specs: Vec<(u32, EdgeSpec)>,
    pub(crate) warnings: Vec<Warning>,
    /// Self-loops the source stated (dropped, [`SELF_LOOP_WARNINGS`] of
    /// them with a warning each: those in `self_loop_sample`).
    pub(crate) self_loops: usize,
    /// The self-loops warned of: the first [`SELF_LOOP_WARNINGS`] by node
    /// id, then place (see [`GraphFragment::self_loop`]), in that order.
    pub(crate) self_loop_sample: Vec<(Box<str>, String)>,
    /// Other names of declared nodes, for sources that do not know their
    /// ids (alias, local id, rank: lower wins a shared alias).
    pub(crate) aliases: Vec<(Box<str>, u32, u8)>,
    /// Whether the builder renamed ids (so `index` no longer matches).
    pub(crate) renamed: bool,
    /// Whether the edges are trace links, parent to child, whose direction
    /// depends on whether the parent is a queue
    /// ([`GraphFragment::set_trace_links`]).
    pub(crate) trace_links: bool,
    /// Data edges from a node to itself, held back until the graph is
    /// built ([`GraphFragment::data_self_loop`]): node, attributes, place.
    pub(crate) data_self_loops: Vec<(u32, EdgeSpec, Box<str>)>,
}

impl GraphFragment {
    /// An empty fragment for `file` whose statements have trust `origin`.
    pub fn new(file: &str, origin: Origin) -> Self {
        Self {
            file: file.to_owned(),
            origin,
            ids: Vec::new(),
            declared: Vec::new(),
            specs: BTreeMap::new(),
            places: Vec::new(),
            index: NameIndex::default(),
            edges: Vec::new(),
            edge_probabilities: Vec::new(),
            edge_specs: Vec::new(),
            warnings: Vec::new(),
            self_loops: 0,
            self_loop_sample: Vec::new(),
            aliases: Vec::new(),
            renamed: false,
            trace_links: false,
            data_self_loops: Vec::new(),
        }
    }

    /// A fragment in one step, for loaders that intern names themselves:
    /// nodes named `ids` (local id `i` is `ids[i]`), all declared with no
    /// attributes; edges `(dependent, dependency)` in local ids; and the
    /// stated probability of some edges, by position in `edges`. It is the
    /// fragment that [`GraphFragment::node`] and [`GraphFragment::edge`]
    /// would build, without a lookup per name: the ids are checked, copied
    /// and hashed on rayon's threads, then indexed.
    ///
    /// # Errors
    /// - [`GraphError::InvalidValue`] for an id that [`check_id`] rejects,
    ///   an id given twice, or probabilities not ascending by position or
    ///   past the last edge;
    /// - [`GraphError::LimitExceeded`] for more than [`limits::MAX_NODES`]
    ///   ids or [`limits::MAX_EDGES`] edges, or an over-long id.
    ///
    /// The first bad id in `ids` is reported.
    ///
    /// # Complexity
    /// `O(V + E)`: each id is checked, copied and hashed once.
    pub fn from_parts(
        file: &str,
        origin: Origin,
        ids: &[&str],
        edges: Vec<(u32, u32)>,
        probabilities: Vec<(u32, Probability)>,
    ) -> Result<Self, GraphError> {
        if ids.len() as u64 > limits::MAX_NODES {
            return Err(GraphError::limit(file, "max_nodes", limits::MAX_NODES, limits::MAX_NODES + 1));
        }
        if edges.len() as u64 > limits::MAX_EDGES {
            return Err(GraphError::limit(file, "max_edges", limits::MAX_EDGES, limits::MAX_EDGES + 1));
        }
        let ordered = probabilities.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        if !ordered || probabilities.last().is_some_and(|&(pos, _)| pos as usize >= edges.len()) {
            return Err(GraphError::invalid(file, "", "", "internal error: edge probabilities out of order"));
        }
        let mut index = NameIndex::with_capacity(ids.len());
        // Checked in parallel; the first error in order wins.
        let checked: Vec<Result<(Box<str>, u64), GraphError>> = ids
            .par_iter()
            .with_min_len(1024)
            .map(|&id| check_id(file, id, String::new).map(|()| (Box::from(id), index.hash(id))))
            .collect();
        let mut owned = Vec::with_capacity(ids.len());
        let mut hashes = Vec::with_capacity(ids.len());
        for result in checked {
            let (id, hash) = result?;
            owned.push(id);
            hashes.push(hash);
        }
        for ((local, id), hash) in (0u32..).zip(&owned).zip(hashes) {
            match index.find(hash, id, |i| owned.get(i as usize).map(|s| &**s)) {
                Ok(_) => return Err(GraphError::invalid(file, "", id.to_string(), "node id given twice")),
                Err(vacant) => index.insert(vacant, local),
            }
        }
        Ok(Self {
            file: file.to_owned(),
            origin,
            declared: vec![true; owned.len()],
            ids: owned,
            specs: BTreeMap::new(),
            places: Vec::new(),
            index,
            edges,
            edge_probabilities: probabilities,
            edge_specs: Vec::new(),
            warnings: Vec::new(),
            self_loops: 0,
            self_loop_sample: Vec::new(),
            aliases: Vec::new(),
            renamed: false,
            trace_links: false,
            data_self_loops: Vec::new(),
        })
    }

    /// The file or source name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Records `alias` as another name of node `local`, which this fragment
    /// declares: the name a source that does not know the node's id calls
    /// it by (a catalog entity `component:payments` is `payments` in
    /// traces and edge lists). When the graph is built, a node that only
    /// such sources name, and that no declaring source (native, catalog)
    /// declares under that name, is the aliased node. Of two nodes sharing
    /// an alias the lower `rank` wins; nodes of equal rank leave it unused,
    /// with a warning. An alias equal to the node's own id joins the ids
    /// that differ from it only in ASCII case (`component:Cart` is
    /// `component:cart`), as every alias is compared.
    pub fn alias(&mut self, local: u32, alias: &str, rank: u8) {
        if alias.is_empty() || self.ids.get(local as usize).is_none() {
            return;
        }
        self.aliases.push((Box::from(alias), local, rank));
    }

    /// Marks the fragment's edges as trace dependency links (Jaeger,
    /// Zipkin), each added as parent -> child. A link whose parent is a
    /// queue in the merged graph (any source may say so; the most trusted
    /// kind wins) runs from a broker to a consumer, so the builder reverses
    /// it: the consumer depends on the queue. Other links are calls: the
    /// parent depends on the child.
    pub fn set_trace_links(&mut self) {
        self.trace_links = true;
    }

    /// Number of distinct nodes the fragment mentions.
    pub fn node_count(&self) -> usize {
        self.ids.len()
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
        self.ids.reserve(nodes);
        self.declared.reserve(nodes);
        self.index.reserve(nodes);
        self.edges.reserve(edges);
    }

    /// Drops the edge from `node` (a local id) to itself, which the source
    /// states at `place` (a line, a JSON path): a node depending on itself
    /// adds no blast radius. [`SELF_LOOP_WARNINGS`] of a source get a
    /// warning naming the place ([`GraphFragment::self_loop_warnings`]):
    /// the first by node id, then place, not the first met, so that which
    /// are named does not depend on the order of the source's lines (a
    /// determinism audit); the graph's warnings count the rest.
    ///
    /// # Complexity
    /// `O(log k)` a self-loop and `place` called only for one that joins
    /// the sample of `k` = [`SELF_LOOP_WARNINGS`].
    pub fn self_loop(&mut self, node: u32, place: impl FnOnce() -> String) {
        self.self_loops += 1;
        let id = self.ids.get(node as usize).map_or("", |id| &**id);
        let full = self.self_loop_sample.len() >= SELF_LOOP_WARNINGS;
        if full && self.self_loop_sample.last().is_some_and(|(last, _)| id > &**last) {
            return;
        }
        let place = place();
        let at = self
            .self_loop_sample
            .partition_point(|(i, p)| (**i).cmp(id).then_with(|| crate::build::natural_order(p, &place)).is_le());
        if at < SELF_LOOP_WARNINGS {
            self.self_loop_sample.insert(at, (id.into(), place));
            self.self_loop_sample.truncate(SELF_LOOP_WARNINGS);
        }
    }

    /// The warnings of the self-loops [`GraphFragment::self_loop`] named,
    /// and one counting the rest. Not among [`GraphFragment::warnings`]:
    /// the graph's builder adds them.
    pub fn self_loop_warnings(&self) -> Vec<Warning> {
        let named = self.self_loop_sample.iter().map(|(id, place)| {
            let message = format!("self-loop dropped: `{}` depends on itself, which adds no blast radius", shorten(id));
            Warning::new(&self.file, place.as_str(), message)
        });
        let more = self.self_loops.saturating_sub(self.self_loop_sample.len());
        let count = (more > 0).then(|| Warning::new(&self.file, "", format!("{more} more self-loops dropped")));
        named.chain(count).collect()
    }

    /// Holds back the data edge from `node` to itself that the source
    /// states at `place`: a service calling a database that the source
    /// names as the service is named (the servicegraph connector names a
    /// database by `db.name`, often the service's own name). When the
    /// graph is built, if the name is an alias of a datastore (a catalog
    /// Resource) and joins another node (the service's Component), the
    /// edge runs from that node to the datastore; otherwise it is dropped
    /// as [`GraphFragment::self_loop`] drops one, with its warning.
    pub fn data_self_loop(&mut self, node: u32, spec: EdgeSpec, place: impl FnOnce() -> String) {
        self.data_self_loops.push((node, spec, place().into_boxed_str()));
    }

    /// Counts `count` more self-loops dropped that
    /// [`GraphFragment::self_loop`] was not given: a loader that hands it
    /// one self-loop a node (the edge list: each node's first line) counts
    /// the others so.
    pub fn more_self_loops(&mut self, count: usize) {
        self.self_loops += count;
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
        match self.find(id) {
            Ok(local) => {
                if let Some(declared) = self.declared.get_mut(local as usize) {
                    *declared = true;
                }
                Ok(local)
            }
            Err(vacant) => self.insert(id, vacant, true, place),
        }
    }

    /// Interns `id` as a reference: the node must be declared by this or
    /// another source, or it becomes a dangling reference.
    ///
    /// # Errors
    /// An empty or over-long id, or more than [`limits::MAX_NODES`] nodes.
    pub fn reference(&mut self, id: &str, place: impl FnOnce() -> String) -> Result<u32, GraphError> {
        let vacant = match self.find(id) {
            Ok(local) => return Ok(local),
            Err(vacant) => vacant,
        };
        let place = place();
        let local = self.insert(id, vacant, false, || place.clone())?;
        self.places.push((local, place.into_boxed_str()));
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
        let local = match self.find(id) {
            Ok(local) => local,
            Err(vacant) => self.insert(id, vacant, true, || place.clone())?,
        };
        check_spec(&self.file, &place, &spec)?;
        if !spec.is_empty() {
            match self.specs.get_mut(&local) {
                Some(old) => merge_same_source(&self.file, &place, id, old, spec)?,
                None => {
                    self.specs.insert(local, spec);
                }
            }
        }
        if let Some(declared) = self.declared.get_mut(local as usize) {
            *declared = true;
        }
        Ok(local)
    }

    /// Adds the edge `dependent -> dependency` (local ids from
    /// [`GraphFragment::node`], [`GraphFragment::reference`] or
    /// [`GraphFragment::declare`]).
    ///
    /// # Errors
    /// More than [`limits::MAX_EDGES`] edges.
    /// An edge from a node to itself is dropped with a warning
    /// ([`GraphFragment::self_loop`], with no place: loaders that know one
    /// call that instead).
    pub fn edge(&mut self, dependent: u32, dependency: u32, spec: EdgeSpec) -> Result<(), GraphError> {
        if dependent == dependency {
            self.self_loop(dependent, String::new);
            return Ok(());
        }
        let position = self.edges.len();
        if position as u64 >= limits::MAX_EDGES {
            return Err(GraphError::limit(&self.file, "max_edges", limits::MAX_EDGES, position as u64 + 1));
        }
        if !spec.is_empty() {
            let position = u32::try_from(position)
                .map_err(|_| GraphError::limit(&self.file, "max_edges", limits::MAX_EDGES, position as u64 + 1))?;
            match spec {
                EdgeSpec { kind: None, strength: None, probability: Some(p), observation: None } => {
                    self.edge_probabilities.push((position, p));
                }
                _ => self.edge_specs.push((position, spec)),
            }
        }
        self.edges.push((dependent, dependency));
        Ok(())
    }

    /// The local id of `id`, if the fragment names it.
    pub(crate) fn local_of(&self, id: &str) -> Option<u32> {
        self.find(id).ok()
    }

    /// The local id of `id`, or where it would go in the index.
    fn find(&self, id: &str) -> Result<u32, names::Vacant> {
        let hash = self.index.hash(id);
        self.index.find(hash, id, |i| self.ids.get(i as usize).map(|s| &**s))
    }

    fn insert(
        &mut self,
        id: &str,
        vacant: names::Vacant,
        declared: bool,
        place: impl FnOnce() -> String,
    ) -> Result<u32, GraphError> {
        check_id(&self.file, id, place)?;
        let local = self.ids.len();
        if local as u64 >= limits::MAX_NODES {
            return Err(GraphError::limit(&self.file, "max_nodes", limits::MAX_NODES, local as u64 + 1));
        }
        let local = u32::try_from(local)
            .map_err(|_| GraphError::limit(&self.file, "max_nodes", limits::MAX_NODES, local as u64 + 1))?;
        self.ids.push(id.into());
        self.declared.push(declared);
        self.index.insert(vacant, local);
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
        // Limit errors have no place field: the place goes with the file.
        let at = format!("{file}: {}", place());
        return Err(GraphError::limit(&at, "max_id_bytes", limits::MAX_ID_BYTES as u64, id.len() as u64));
    }
    // Printable ASCII, the usual case, holds no control or hidden character.
    let ascii = id.bytes().all(|b| (0x20..0x7f).contains(&b));
    if !ascii && id.chars().any(char::is_control) {
        return Err(GraphError::invalid(
            file,
            place(),
            id.escape_debug().to_string(),
            "node id contains a control character",
        ));
    }
    // An id that differs from another only by what does not show (a
    // zero-width space, a byte order mark from concatenated files, a
    // space around it) is a second node that takes the first one's edges
    // without a word (an audit: a padded, quoted CSV name emptied a
    // blast radius).
    if !ascii && id.chars().any(crate::is_hidden) {
        return Err(GraphError::invalid(file, place(), crate::shown(id), "node id contains an invisible character")
            .with_help("remove it: an id that looks like another is a different node"));
    }
    if id.starts_with(char::is_whitespace) || id.ends_with(char::is_whitespace) {
        return Err(GraphError::invalid(file, place(), crate::shown(id), "node id starts or ends with whitespace")
            .with_help("remove the spaces around the id: with them it is a different node"));
    }
    Ok(())
}

/// Checks string lengths and label counts of a node's attributes.
///
/// Limit errors have no place field, so the place goes with the file name
/// (`graph.yaml: $.services[3]`) for users to find the value.
fn check_spec(file: &str, place: &str, spec: &NodeSpec) -> Result<(), GraphError> {
    let at = format!("{file}: {place}");
    if spec.labels.len() > limits::MAX_LABELS {
        return Err(GraphError::limit(&at, "max_labels", limits::MAX_LABELS as u64, spec.labels.len() as u64));
    }
    // An owner or system of blanks names no one: an approval from a team
    // called "" asks nobody a gate can find (a red team: a native graph's
    // `owner: ""` was asked as a team, where a node with no owner gets a
    // senior stand-in and a warning; Backstage refused it already).
    // Nor do characters shown as nothing (a zero-width space, a braille
    // blank, a Hangul filler) or a placeholder for none (`none`, `n/a`,
    // `-`): a red team's owners nobody can find.
    let names_nothing = |v: &str| {
        let blank = v.chars().all(|c| c.is_whitespace() || crate::error::is_hidden(c) || c == '\u{2800}');
        blank || crate::error::is_placeholder(v)
    };
    for (field, value) in [("owner", &spec.owner), ("system", &spec.system)] {
        if let Some(value) = value.as_deref().filter(|v| names_nothing(v)) {
            let value = crate::error::shown(value);
            return Err(GraphError::invalid(
                file,
                place,
                value,
                format!("`{field}` names no one (blank, invisible or a placeholder for none)"),
            )
            .with_help(format!(
                "name the node's {field}, or leave `{field}` out for a node with none (a node with no owner gets a \
                 senior engineer as a stand-in, with a warning)"
            )));
        }
    }
    let strings = spec.owner.iter().chain(spec.system.iter()).chain(spec.labels.iter().flat_map(|(k, v)| [k, v]));
    for s in strings {
        if s.len() > limits::MAX_STRING_BYTES {
            return Err(GraphError::limit(&at, "max_string_bytes", limits::MAX_STRING_BYTES as u64, s.len() as u64));
        }
    }
    Ok(())
}

/// Merges `new` into `old` for two declarations of `id` in one source: a
/// field set in both must be equal.
fn merge_same_source(file: &str, place: &str, id: &str, old: &mut NodeSpec, new: NodeSpec) -> Result<(), GraphError> {
    fn pick<T: crate::build::Prefer>(
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
                // As written in a file (`0`, not Rust's `Tier(0)`).
                format!("node declared twice with different `{field}` ({} and {})", a.shown(), b.shown()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeKind, Tier, Traffic};

    /// Ids that would show as another: every default-ignorable character
    /// is refused (a rendering audit found the soft hyphen, the invisible
    /// operators, the Hangul fillers and the tag characters let through).
    #[test]
    fn ids_hold_no_invisible_character() {
        for c in ['\u{ad}', '\u{2062}', '\u{3164}', '\u{180e}', '\u{e0041}', '\u{fe0f}', '\u{200b}', '\u{202e}'] {
            let id = format!("team-payments{c}");
            assert!(check_id("f", &id, String::new).is_err(), "{:?}", id);
            assert!(crate::shown(&id).contains("\\u{"), "{:?}", id);
        }
        assert!(check_id("f", "payments-ü-✓", String::new).is_ok());
    }

    /// A node declared twice in one file with different values names them
    /// as a file writes them: the audit found `(Tier(0) and Tier(1))`.
    #[test]
    fn a_conflict_shows_values_as_written() {
        let spec = |f: fn(&mut NodeSpec)| {
            let mut spec = NodeSpec::default();
            f(&mut spec);
            spec
        };
        let cases: [(NodeSpec, NodeSpec, &str); 7] = [
            (spec(|s| s.tier = Tier::new(0)), spec(|s| s.tier = Tier::new(1)), "`tier` (`0` and `1`)"),
            (
                spec(|s| s.kind = Some(NodeKind::Service)),
                spec(|s| s.kind = Some(NodeKind::Datastore)),
                "`kind` (`service` and `datastore`)",
            ),
            (
                spec(|s| s.owner = Some("alice".into())),
                spec(|s| s.owner = Some("bob".into())),
                "`owner` (`alice` and `bob`)",
            ),
            (spec(|s| s.system = Some("a".into())), spec(|s| s.system = Some("b".into())), "`system` (`a` and `b`)"),
            (
                spec(|s| s.traffic = Traffic::new(5.0)),
                spec(|s| s.traffic = Traffic::new(6.5)),
                "`traffic` (`5` and `6.5`)",
            ),
            (
                spec(|s| s.user_facing = Some(true)),
                spec(|s| s.user_facing = Some(false)),
                "`user_facing` (`true` and `false`)",
            ),
            (
                spec(|s| _ = s.labels.insert("env".into(), "prod".into())),
                spec(|s| _ = s.labels.insert("env".into(), "dev".into())),
                "`labels.env` (`prod` and `dev`)",
            ),
        ];
        for (first, second, shown) in cases {
            let mut fragment = GraphFragment::new("g.yaml", Origin::Declared);
            fragment.declare("a", first, || "$.services[0]".into()).unwrap();
            let e = fragment.declare("a", second, || "$.services[1]".into()).unwrap_err().to_string();
            assert!(e.contains(&format!("node declared twice with different {shown}: `a`")), "{e}");
        }
    }

    #[test]
    fn from_parts_is_what_node_and_edge_build() {
        let p = Probability::new(0.25).unwrap();
        let bulk = GraphFragment::from_parts("f", Origin::Listed, &["a", "b", "c"], vec![(0, 1), (1, 2)], vec![(1, p)])
            .unwrap();
        let mut one = GraphFragment::new("f", Origin::Listed);
        let (a, b, c) = (one.node("a", String::new).unwrap(), one.node("b", String::new).unwrap(), 2);
        assert_eq!(one.node("c", String::new).unwrap(), c);
        one.edge(a, b, EdgeSpec::default()).unwrap();
        one.edge(b, c, EdgeSpec { probability: Some(p), ..EdgeSpec::default() }).unwrap();
        assert_eq!((bulk.ids.clone(), bulk.declared.clone(), bulk.edges.clone()), (one.ids, one.declared, one.edges));
        assert_eq!(bulk.edge_probabilities, one.edge_probabilities);
        let name_of = |i: u32| bulk.ids.get(i as usize).map(|s| &**s);
        assert_eq!(bulk.index.get("c", name_of), Some(2));
    }

    #[test]
    fn from_parts_rejects_what_node_rejects() {
        let err = |names: &[&str], probabilities: Vec<(u32, Probability)>| {
            GraphFragment::from_parts("f", Origin::Listed, names, vec![(0, 0)], probabilities).unwrap_err()
        };
        assert!(err(&["a", "a"], vec![]).to_string().contains("given twice"));
        assert!(err(&["a", ""], vec![]).to_string().contains("empty"));
        assert!(err(&["a\u{7}"], vec![]).to_string().contains("control character"));
        assert!(err(&["a"], vec![(3, Probability::ONE)]).to_string().contains("out of order"));
    }
}
