//! `blastgate demo`: the embedded e-commerce topology and a handful of
//! changes that walk the review ladder from `auto` to `block`, so the tool
//! can be tried on a fresh machine with no files.

use std::io::Write;

use blastgate::assess::{Engine, default_policy};
use blastgate::change::parse_changeset;
use blastgate::context::parse_context;
use blastgate::graph::{BuildOptions, GraphLoader};

use crate::args::{DemoArgs, OutputFormat};
use crate::exit::{Failure, SUCCESS};
use crate::graph_cmd::Summary;

/// Runs the demo: the topology's summary, then each change's decision and
/// why (`--format json`: the assessments as a JSON array).
pub fn run(args: &DemoArgs) -> Result<u8, Failure> {
    let mut loader = GraphLoader::new(BuildOptions::strict(true));
    loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None)?;
    let graph = loader.build()?;
    let sources = graph.sources().to_vec();
    let engine = Engine::new(graph.freeze(), default_policy()?)?;
    let mut assessments = Vec::new();
    for step in blastgate::demo::LADDER {
        let changeset = parse_changeset("demo changeset", step.changeset.as_bytes())?;
        let context = parse_context("demo context", step.context.as_bytes())?;
        assessments.push((step, engine.assess(&changeset, &context)));
    }
    let mut out = std::io::stdout().lock();
    if args.format == OutputFormat::Json {
        let list: Vec<&blastgate::Assessment> = assessments.iter().map(|(_, a)| a).collect();
        let text = serde_json::to_string_pretty(&list).map_err(|e| Failure::Internal(e.to_string()))?;
        writeln!(out, "{text}")?;
        return Ok(SUCCESS);
    }
    Summary::of(sources, engine.graph()).print(args.format)?;
    for (i, (step, a)) in assessments.iter().enumerate() {
        writeln!(out)?;
        writeln!(out, "{}. {}: {}", i + 1, step.title, a.review_depth())?;
        writeln!(out, "   {}", a.decision.summary)?;
        for rule in &a.rules {
            writeln!(out, "   rule {}: {}", rule.id, rule.message)?;
        }
        let approvals: Vec<String> = a
            .decision
            .required_approvals
            .iter()
            .map(|p| {
                let teams = if p.teams.is_empty() { String::new() } else { format!(" ({})", p.teams.join(" or ")) };
                format!("{}{teams}", p.role.as_str())
            })
            .collect();
        if !approvals.is_empty() {
            writeln!(out, "   approvals: {}", approvals.join(", "))?;
        }
        if let Some(lower) = a.counterfactuals.iter().find(|c| c.lowers) {
            writeln!(out, "   would lower to {}: {}", lower.review_depth, lower.action)?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Try one yourself: blastgate assess --graph FILE --change FILE --format human (docs/cli.md)")?;
    Ok(SUCCESS)
}
