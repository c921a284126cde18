//! `blastgate demo`: the embedded e-commerce topology and a handful of
//! changes, so the tool can be tried on a fresh machine with no files.

use std::io::Write;

use blastgate::graph::{BuildOptions, GraphLoader};
use blastgate::radius::{RadiusConfig, radius};

use crate::args::{DemoArgs, OutputFormat};
use crate::exit::{Failure, SUCCESS};
use crate::graph_cmd::Summary;

/// The changes the demo walks through, each a set of changed nodes.
const CHANGES: &[(&str, &[&str])] = &[
    ("a config tweak to notifications (a leaf)", &["notifications"]),
    ("a change to pricing", &["pricing"]),
    ("deleting and recreating orders-db", &["orders-db"]),
];

/// Runs the demo.
pub fn run(args: &DemoArgs) -> Result<u8, Failure> {
    let mut loader = GraphLoader::new(BuildOptions::strict(true));
    loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None)?;
    let graph = loader.build()?;
    let sources = graph.sources().to_vec();
    let frozen = graph.freeze();
    let summary = Summary::of(sources, &frozen);
    if args.format == OutputFormat::Json {
        summary.print(args.format)?;
        return Ok(SUCCESS);
    }
    summary.print(args.format)?;
    let mut out = std::io::stdout().lock();
    let config = RadiusConfig::default();
    for (what, ids) in CHANGES {
        let changed: Vec<u32> = ids.iter().filter_map(|id| frozen.index_of(id)).collect();
        let blast = radius(&frozen, &changed, &config);
        writeln!(out)?;
        writeln!(out, "{what}:")?;
        let journeys: Vec<String> = blast
            .journeys()
            .iter()
            .filter_map(|j| frozen.node(j.node()).map(|n| format!("{} (p={:.2})", n.id(), j.probability().get())))
            .collect();
        writeln!(
            out,
            "  {} services affected, highest tier {}, weighted impact {:.1}; journeys: {}",
            blast.affected_count(),
            blast.highest_tier().map_or_else(|| "-".to_owned(), |t| t.level().to_string()),
            blast.weighted_impact(),
            if journeys.is_empty() { "none".to_owned() } else { journeys.join(", ") }
        )?;
        for e in blast.evidence().iter().take(3) {
            let path: Vec<&str> = e.nodes().iter().filter_map(|&i| frozen.node(i).map(|n| n.id())).collect();
            writeln!(out, "  evidence: {} (p={:.2})", path.join(" -> "), e.probability().get())?;
        }
    }
    writeln!(out)?;
    writeln!(out, "(review depths come with the decision engine; see README.md)")?;
    Ok(SUCCESS)
}
