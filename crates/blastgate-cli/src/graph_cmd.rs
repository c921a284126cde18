//! `blastgate graph check`, `blastgate graph export` and `blastgate demo`.

use std::collections::BTreeMap;
use std::io::Write;

use blastgate::graph::{BuildOptions, FrozenGraph, GraphLoader, NodeKind, ServiceGraph, Tier};
use serde::Serialize;

use crate::args::{CheckArgs, ExportArgs, ExportFormat, GraphInput, OutputFormat};
use crate::exit::{Failure, SUCCESS};

/// A loader holding the files of `input` (a snapshot among them is read).
fn loader(input: &GraphInput, show_progress: bool) -> Result<GraphLoader, Failure> {
    let progress = crate::progress::Progress::new(show_progress);
    let mut loader = GraphLoader::new(BuildOptions::strict(input.strict));
    let format = input.input_format.map(|f| f.to_format());
    for path in &input.files {
        progress.step(format!("reading {}", path.display()));
        loader.add_file(path, format)?;
    }
    Ok(loader)
}

/// `graph check`: validate and summarise.
pub fn check(args: &CheckArgs) -> Result<u8, Failure> {
    let graph = loader(&args.input, args.format == OutputFormat::Human)?.build_frozen()?;
    let sources = args.input.files.iter().map(|p| p.display().to_string()).collect();
    let summary = Summary::of(sources, &graph);
    summary.print(args.format)?;
    Ok(SUCCESS)
}

/// `graph export`: write DOT or native JSON.
pub fn export(args: &ExportArgs) -> Result<u8, Failure> {
    let graph: ServiceGraph = loader(&args.input, false)?.build()?;
    let text = match args.to {
        ExportFormat::Dot => graph.to_dot(),
        ExportFormat::Json => blastgate::graph::to_native_json(&graph)?,
        ExportFormat::Edges => blastgate::graph::to_edge_list(&graph)?,
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    for w in graph.warnings() {
        crate::printable::warn(&w.to_string());
    }
    if args.to == ExportFormat::Edges {
        let n = u32::try_from(graph.node_count()).unwrap_or(u32::MAX);
        let left_out = (0..n)
            .filter(|&i| graph.dependencies_of(i).next().is_none() && graph.dependents_of(i).next().is_none())
            .count();
        if left_out > 0 {
            crate::printable::warn(&format!(
                "{left_out} node(s) without edges are not in the edge list (it cannot name them)"
            ));
        }
        crate::printable::note(
            "note: an edge list keeps ids and propagation probabilities only; tiers, owners, kinds and journeys \
             need `--to json`",
        );
    }
    Ok(SUCCESS)
}

/// What `graph check` reports. The JSON keys `nodes`, `edges`, `cycles` and
/// `warnings` are a contract (docs/cli.md): they may gain siblings, never
/// change.
#[derive(Debug, Serialize)]
pub struct Summary {
    valid: bool,
    sources: Vec<String>,
    nodes: usize,
    edges: usize,
    by_kind: BTreeMap<&'static str, usize>,
    by_tier: BTreeMap<String, usize>,
    cycles: Vec<Vec<String>>,
    isolated: usize,
    warnings: Vec<String>,
}

impl Summary {
    pub fn of(sources: Vec<String>, g: &FrozenGraph) -> Self {
        let mut by_kind = BTreeMap::new();
        let mut by_tier = BTreeMap::new();
        let mut isolated = 0;
        for (i, n) in g.nodes().enumerate() {
            *by_kind.entry(n.kind().as_str()).or_insert(0) += 1;
            let tier = n.tier().map_or_else(|| "unset".to_owned(), |t: Tier| format!("{}", t.level()));
            *by_tier.entry(tier).or_insert(0) += 1;
            let i = i as u32;
            if g.dependencies_of(i).is_empty() && g.dependents_of(i).is_empty() {
                isolated += 1;
            }
        }
        let cycles = g.cycles().into_iter().map(|c| c.into_iter().map(str::to_owned).collect()).collect();
        Self {
            valid: true,
            sources,
            nodes: g.node_count(),
            edges: g.edge_count(),
            by_kind,
            by_tier,
            cycles,
            isolated,
            warnings: g.warnings().iter().map(ToString::to_string).collect(),
        }
    }

    pub fn print(&self, format: OutputFormat) -> Result<(), Failure> {
        let mut out = std::io::stdout().lock();
        match format {
            OutputFormat::Json => {
                let text = serde_json::to_string_pretty(self).map_err(|e| Failure::Internal(e.to_string()))?;
                writeln!(out, "{text}")?;
            }
            OutputFormat::Human => {
                // Ids are shown, and no line starts a workflow command.
                let mut out = crate::printable::Printable::new(&mut out);
                writeln!(
                    out,
                    "valid graph: {} nodes, {} edges, from {} source(s)",
                    self.nodes,
                    self.edges,
                    self.sources.len()
                )?;
                let kinds: Vec<String> = NodeKind::ALL
                    .iter()
                    .filter_map(|k| self.by_kind.get(k.as_str()).map(|c| format!("{k} {c}")))
                    .collect();
                writeln!(out, "  by kind: {}", kinds.join(", "))?;
                let tiers: Vec<String> = self.by_tier.iter().map(|(t, c)| format!("{t}: {c}")).collect();
                writeln!(out, "  by tier: {}", tiers.join(", "))?;
                if self.isolated > 0 {
                    writeln!(out, "  isolated nodes: {}", self.isolated)?;
                }
                if self.cycles.is_empty() {
                    writeln!(out, "  cycles: none")?;
                } else {
                    // A cycle is a strongly connected component, its ids
                    // sorted: joined by arrows they claimed edges that need
                    // not exist (a red-team finding), and a component of
                    // thousands filled a line.
                    writeln!(out, "  cycles: {} (services that depend on each other, in id order)", self.cycles.len())?;
                    for c in self.cycles.iter().take(20) {
                        let shown = c.iter().take(10).map(String::as_str).collect::<Vec<_>>().join(", ");
                        let more = match c.len() {
                            0..=10 => String::new(),
                            n => format!(", ... ({n} in all)"),
                        };
                        writeln!(out, "    {}{more}", crate::printable::one_line(&shown))?;
                    }
                    if self.cycles.len() > 20 {
                        writeln!(out, "    ... and {} more", self.cycles.len() - 20)?;
                    }
                }
                for w in &self.warnings {
                    writeln!(out, "  warning: {w}")?;
                }
                out.flush()?;
            }
        }
        Ok(())
    }
}
