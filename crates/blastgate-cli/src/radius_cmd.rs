//! `blastgate radius`: the blast radius of changing some services.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use blastgate::graph::{BuildOptions, FrozenGraph, GraphLoader, escape_dot};
use blastgate::radius::{BlastRadius, RadiusConfig, radius, radius_batch_streamed, reach_count_batch};
use serde::Serialize;

use crate::args::{RadiusArgs, RadiusFormat};
use crate::exit::{Failure, SUCCESS};
use crate::printable::one_line;

/// Runs the command.
pub fn run(args: &RadiusArgs) -> Result<u8, Failure> {
    // A format asked for and not written would pass silently (a red-team
    // finding: `--batch --format dot` printed JSON Lines).
    if args.batch.is_some()
        && let Some(format @ (RadiusFormat::Human | RadiusFormat::Dot)) = args.format
    {
        let name = if format == RadiusFormat::Dot { "dot" } else { "human" };
        return Err(Failure::Usage(format!(
            "--batch writes JSON Lines: --format {name} cannot be used with it (leave --format out, or give json)"
        )));
    }
    let (mut files, mut services) = split_graph_and_services(&args.graph)?;
    services.extend(args.services.iter().cloned());
    let progress = crate::progress::Progress::new(
        args.format.unwrap_or(RadiusFormat::Human) == RadiusFormat::Human && args.batch.is_none(),
    );
    let format = args.input_format.map(|f| f.to_format());
    let load = |files: &[PathBuf]| -> Result<FrozenGraph, Failure> {
        let mut loader = GraphLoader::new(BuildOptions::strict(args.strict));
        for path in files {
            progress.step(format!("reading {}", path.display()));
            loader.add_file(path, format)?;
        }
        progress.step("merging and freezing");
        Ok(loader.build_frozen()?)
    };
    // `--graph g.edges frontend` in a folder that holds a file named
    // `frontend` (a contract audit: the issue's own command form read it
    // as a graph and named no service). Of the trailing bare names (no
    // `.`, no `/`) that exist as files, one that is a node of the graph
    // the other files make is a service when its file is empty (it adds
    // nothing as a graph), and ambiguous otherwise: an error, never a
    // graph file dropped in silence (a red-team audit). The others are
    // graph files. At most two loads.
    let bare = files.iter().skip(1).rev().take_while(|p| is_bare_name(p)).count();
    let graph = match files.split_at_checked(files.len() - bare) {
        Some((graph_files, names)) if !names.is_empty() && args.batch.is_none() => {
            let prefix = load(graph_files)?;
            let mut more = Vec::new();
            let mut named = Vec::new();
            for path in names {
                let name = path.to_string_lossy().into_owned();
                let node = prefix.index_of(&name).is_some();
                let empty = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0);
                if node && empty {
                    named.push(name);
                } else if node {
                    return Err(Failure::Usage(format!(
                        "`{name}` names both a file here and a service of the graph; write `./{name}` to read \
                         the file as a graph, or put the services after `--`"
                    )));
                } else if let Some(first) = named.first() {
                    return Err(Failure::Usage(format!(
                        "`{name}` is a file but comes after the service `{first}`; put graph files first"
                    )));
                } else {
                    more.push(path.clone());
                }
            }
            services.splice(0..0, named);
            if more.is_empty() {
                files.truncate(graph_files.len());
                prefix
            } else {
                files.truncate(graph_files.len() + more.len());
                load(&files)?
            }
        }
        _ => load(&files)?,
    };
    // What building the graph warned about may hide dependencies: say it
    // where a person or a log sees it, never on the JSON output.
    for w in graph.warnings() {
        crate::printable::warn(&w.to_string());
    }
    drop(progress);
    let config = config(args)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Some(batch) = &args.batch {
        if !services.is_empty() {
            return Err(Failure::Usage("give services or --batch, not both".into()));
        }
        // Bounded like an edge list (ids on lines): a batch that never ends
        // (`/dev/zero`) is a limit error, not a machine out of memory.
        let bytes = blastgate::graph::read_batch_file(batch)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| Failure::Usage(format!("{}: the batch file is not UTF-8: {e}", batch.display())))?;
        // Each line's changed nodes. Every line is checked before any is
        // answered (an unknown id on the last line answers nothing), and
        // then answered a chunk at a time: memory holds the batch's text
        // and one chunk, not every line's changeset (an environment audit:
        // 20 MB of empty lines took 869 MB).
        // A leading byte-order mark (Windows editors write one) is not part
        // of the first id, as in an edge list.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let place = |n: usize| format!("{}: line {}", batch.display(), n + 1);
        let lines = || text.lines().enumerate().map(|(n, line)| batch_line(&graph, line, &place(n)));
        for changed in lines() {
            changed?;
        }
        let distinct = |changed: &[u32]| {
            let mut distinct = changed.to_vec();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.len()
        };
        let bounded = args.max_depth.is_some() || args.min_probability.is_some();
        let mut pending = lines();
        // The number of lines answered before this chunk.
        let mut before = 0usize;
        loop {
            let changesets = pending.by_ref().take(BATCH_CHUNK).collect::<Result<Vec<Vec<u32>>, Failure>>()?;
            if changesets.is_empty() {
                break;
            }
            let first = before;
            before += changesets.len();
            if args.summary && !bounded {
                // The plain count: one bit a node, no distances.
                let counts = reach_count_batch(&graph, &changesets);
                for (changed, count) in changesets.iter().zip(counts) {
                    writeln!(out, "{{\"changed\":{},\"affected_count\":{count}}}", distinct(changed))?;
                }
            } else if args.summary {
                // A depth or probability bound needs the radius itself.
                let line = |blast: &BlastRadius| (distinct(blast.changed()), blast.affected().len());
                radius_batch_streamed(&graph, &changesets, &config, line, |(changed, count)| {
                    writeln!(out, "{{\"changed\":{changed},\"affected_count\":{count}}}").map_err(Failure::from)
                })?;
            } else {
                // Streamed: memory holds a few results per thread, not the
                // whole batch's (a radius can hold most of the graph).
                // A line whose answer passes a listing limit stops the
                // batch there (exit 3), after the lines before it: the
                // error names its line (a batch audit: it named none).
                let line = |blast: &BlastRadius| -> Result<String, Failure> {
                    listable(&graph, blast, BATCH_HELP)?;
                    let report = Report::new(&graph, blast, true, BoundsOut::of(args, &graph, blast));
                    serde_json::to_string(&report).map_err(|e| Failure::Internal(e.to_string()))
                };
                let mut at = first;
                radius_batch_streamed(&graph, &changesets, &config, line, |text| {
                    let text = text.map_err(|e| match e {
                        Failure::Limit(m) => Failure::Limit(format!("{}: {m}", place(at))),
                        e => e,
                    })?;
                    at += 1;
                    writeln!(out, "{text}").map_err(Failure::from)
                })?;
            }
        }
        out.flush()?;
        return Ok(SUCCESS);
    }
    if services.is_empty() {
        return Err(Failure::Usage("name at least one changed service, or give --batch FILE".into()));
    }
    let changed = resolve(&graph, &services, "command line")?;
    let blast = radius(&graph, &changed, &config);
    match args.format.unwrap_or(RadiusFormat::Human) {
        RadiusFormat::Json => {
            listable(&graph, &blast, "help: use --format human, or --max-depth")?;
            // For the record, as an assessment carries them: which engine
            // computed the radius on which graph.
            let report = Single {
                report: Report::new(&graph, &blast, true, BoundsOut::of(args, &graph, &blast)),
                engine_version: blastgate::assess::ENGINE_VERSION,
                graph_digest: blastgate::graph::graph_digest(&graph),
            };
            // Written as it is serialised: a radius of a million nodes
            // would otherwise be held twice, as a report and as text.
            serde_json::to_writer_pretty(&mut out, &report).map_err(|e| match e.is_io() {
                true => Failure::from(std::io::Error::from(e)),
                false => Failure::Internal(e.to_string()),
            })?;
            writeln!(out)?;
        }
        // The human summary shows no affected node's path: none is made.
        RadiusFormat::Human => {
            let mut shown = crate::printable::Printable::new(&mut out);
            Report::new(&graph, &blast, false, BoundsOut::of(args, &graph, &blast)).write_human(&mut shown)?;
            shown.flush()?;
        }
        RadiusFormat::Dot => write_dot(&mut out, &graph, &blast)?,
    }
    out.flush()?;
    Ok(SUCCESS)
}

/// The most lines of a batch answered at once: enough to keep every
/// thread busy, few enough that their changesets take a few megabytes.
const BATCH_CHUNK: usize = 1 << 16;

/// `--graph` takes one or more values: the leading ones that are `-` or
/// exist and are not directories (files, or pipes such as `/dev/stdin`)
/// are graph files; the first value that is not starts the list of
/// services, so `--graph g.edges web api` works as users expect. After a
/// service, a bare name is a service even if a file of that name exists.
fn split_graph_and_services(values: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>), Failure> {
    let mut files = Vec::new();
    let mut services = Vec::new();
    // A file, or a pipe or device that can be read as one (`<(...)`,
    // `/dev/stdin`): anything that exists and is not a directory.
    let readable = |v: &PathBuf| v.as_os_str() == "-" || std::fs::metadata(v).is_ok_and(|m| !m.is_dir());
    for v in values {
        if services.is_empty() && readable(v) {
            files.push(v.clone());
        } else if readable(v) && !is_bare_name(v) {
            return Err(Failure::Usage(format!(
                "`{}` is a file but comes after the service `{}`; put graph files first",
                crate::printable::one_line(&v.display().to_string()),
                crate::printable::one_line(services.first().map_or("", String::as_str))
            )));
        } else {
            services.push(v.to_string_lossy().into_owned());
        }
    }
    if files.is_empty() {
        let first = crate::printable::one_line(&values.first().map(|p| p.display().to_string()).unwrap_or_default());
        if values.first().is_some_and(|p| p.is_dir()) {
            return Err(Failure::Usage(format!("no graph file: `{first}` is a directory")));
        }
        return Err(Failure::Usage(format!("no graph file: `{first}` does not exist")));
    }
    Ok((files, services))
}

/// A value given to `--graph` that names no folder and has no extension:
/// as likely a service id as a file name.
fn is_bare_name(path: &std::path::Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text != "-" && !text.contains(['/', '.', std::path::MAIN_SEPARATOR])
}

fn config(args: &RadiusArgs) -> Result<RadiusConfig, Failure> {
    let mut config = RadiusConfig::default().with_top_paths(args.top_paths);
    if let Some(d) = args.max_depth {
        config = config.with_max_depth(d);
    }
    if let Some(p) = args.min_probability {
        let p = blastgate::graph::Probability::new(p).ok_or_else(|| {
            let shown = crate::printable::number(p).unwrap_or_else(|| p.to_string());
            Failure::Usage(format!("--min-probability `{shown}` is not a number in [0, 1]"))
        })?;
        config = config.with_min_probability(p);
    }
    Ok(config)
}

/// Resolves ids to dense ids; an unknown id is a usage error that suggests
/// close matches.
/// A `--batch` line's changed nodes. Ids are separated by ASCII spaces and
/// tabs only: a graph id may hold other whitespace (U+00A0 inside `pay
/// ments`), and splitting there answered another changeset (a batch
/// audit). A carriage return inside a line is refused: a file with
/// carriage returns alone for line ends read as one line. Repeated ids add
/// nothing, so past twice the graph's nodes they are dropped: a line's
/// memory is bounded by the graph as well as by its text (a batch audit: a
/// 40 MB line took 1 GB, a string per id).
fn batch_line(graph: &FrozenGraph, line: &str, place: &str) -> Result<Vec<u32>, Failure> {
    if line.contains('\r') {
        return Err(Failure::Usage(format!(
            "{place}: a carriage return inside the line; lines end with a line feed (`\\n` or `\\r\\n`), and a \
             file whose lines end with a carriage return alone reads as one line. Convert its line ends"
        )));
    }
    let keep = graph.node_count().saturating_mul(2).max(1024);
    let mut out = Vec::new();
    for id in line.split([' ', '\t']).filter(|id| !id.is_empty()) {
        match graph.index_of(id) {
            Some(i) => out.push(i),
            None => return Err(Failure::Usage(unknown_service(graph, id, place))),
        }
        if out.len() > keep {
            out.sort_unstable();
            out.dedup();
        }
    }
    Ok(out)
}

/// What a listing limit's message suggests in `--batch`.
const BATCH_HELP: &str = "help: use --summary, or --max-depth";

fn resolve(graph: &FrozenGraph, ids: &[String], place: &str) -> Result<Vec<u32>, Failure> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match graph.index_of(id) {
            Some(i) => out.push(i),
            None => return Err(Failure::Usage(unknown_service(graph, id, place))),
        }
    }
    Ok(out)
}

fn unknown_service(graph: &FrozenGraph, id: &str, place: &str) -> String {
    let close = close_matches(graph, id);
    let hint = if close.is_empty() {
        "; help: `blastgate graph check` lists the graph".to_owned()
    } else {
        format!("; help: did you mean {}?", close.join(", "))
    };
    format!("{place}: unknown service `{}`{hint}", one_line(&blastgate::graph::shorten(id)))
}

/// Up to three graph ids close to `id`, best first, each in backticks on
/// one line ([`blastgate::change::close_ids`]): for "did you mean" help
/// wherever the command line meets an id the graph lacks.
pub(crate) fn close_matches(graph: &FrozenGraph, id: &str) -> Vec<String> {
    blastgate::change::close_ids(graph, id).into_iter().map(|n| format!("`{}`", one_line(n))).collect()
}

/// The most path nodes a JSON radius lists in all (each affected node's
/// path, changed node included): 20 million ids. The answer is built in
/// memory before it is written, at 16 bytes a listed id besides its text.
const MAX_LISTED_PATH_NODES: u64 = 20_000_000;

/// The most bytes of ids (with their quotes and commas) a JSON radius's
/// paths may add up to: 256 MiB. Ids may be up to 512 bytes long, so the
/// count of ids alone does not bound the output (an audit: 3,000 services
/// with 496-byte ids, a 3 MB graph, made 2.3 GB of JSON and aborted the
/// process out of memory).
const MAX_LISTED_PATH_BYTES: u64 = 256 << 20;

/// Whether a radius's paths fit [`MAX_LISTED_PATH_NODES`] and
/// [`MAX_LISTED_PATH_BYTES`]: on a long chain they add up to the square of
/// its length (a million services, half a trillion ids), which would run
/// until memory ran out. A limit error (exit 3) instead, naming the ways
/// to a smaller answer.
fn listable(graph: &FrozenGraph, blast: &BlastRadius, help: &str) -> Result<(), Failure> {
    let total = blast.path_nodes_total();
    if total > MAX_LISTED_PATH_NODES {
        return Err(Failure::Limit(format!(
            "limit `max_listed_path_nodes` exceeded: the JSON would list {total} nodes on the affected nodes' \
             paths (> {MAX_LISTED_PATH_NODES}; the radius holds {} nodes on long paths, such as a chain's); {help}",
            blast.affected().len()
        )));
    }
    let bytes = blast.path_weight_total(|n| graph.node(n).map_or(0, |node| node.id().len() as u64 + 3));
    if bytes > MAX_LISTED_PATH_BYTES {
        return Err(Failure::Limit(format!(
            "limit `max_listed_path_bytes` exceeded: the JSON would list {bytes} bytes of ids on the affected \
             nodes' paths (> {MAX_LISTED_PATH_BYTES}; the radius holds {} nodes, with long ids on long paths); \
             {help}",
            blast.affected().len()
        )));
    }
    Ok(())
}

/// Probabilities are written with 6 decimals: edge probabilities are
/// stored as `f32`, and more digits would only show that rounding.
fn round6(p: f64) -> f64 {
    // `+ 0.0`: an edge of probability -0 shows as 0.0, not -0.0.
    (p * 1e6).round() / 1e6 + 0.0
}

/// The JSON shape of one blast radius (docs/cli.md). `changed` and
/// `affected` (with `service`, `distance`, `probability`, `path`) are a
/// contract.
#[derive(Debug, Serialize)]
struct Report<'a> {
    changed: Vec<&'a str>,
    affected: Vec<AffectedOut<'a>>,
    affected_count: usize,
    by_tier: BTreeMap<String, usize>,
    highest_tier: Option<u8>,
    weighted_impact: f64,
    max_distance: u32,
    journeys: Vec<JourneyOut<'a>>,
    owners: Vec<&'a str>,
    evidence: Vec<EvidenceOut<'a>>,
    /// The `--max-depth` and `--min-probability` given, and how many
    /// dependents they left out; absent when unbounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    bounds: Option<BoundsOut>,
}

/// What bounded a radius, and what the bounds left out (an audit: `--max-depth
/// 0` printed `affected: 0` for a node with 61 tier-0 dependents, with
/// nothing saying that the bound, not the graph, made it so).
#[derive(Debug, Serialize)]
struct BoundsOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    max_depth: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_probability: Option<f64>,
    /// Dependents that reach a changed node but lie beyond the bounds.
    beyond_bounds: usize,
}

impl BoundsOut {
    /// The bounds of `args`, if any, with the dependents of `blast` they
    /// left out (one more reach count, only when bounded).
    fn of(args: &RadiusArgs, graph: &FrozenGraph, blast: &BlastRadius) -> Option<Self> {
        if args.max_depth.is_none() && args.min_probability.is_none() {
            return None;
        }
        let reach = reach_count_batch(graph, &[blast.changed()]).first().copied().unwrap_or(0);
        Some(Self {
            max_depth: args.max_depth,
            // `-0` is 0 (the bound applied, and what a reader expects).
            min_probability: args.min_probability.map(|p| p + 0.0),
            beyond_bounds: reach.saturating_sub(blast.affected_count()),
        })
    }
}

/// A single radius as JSON: the report, then what it was computed by and
/// on (JSON Lines of `--batch` carry the report alone, one per line).
#[derive(Debug, Serialize)]
struct Single<'a> {
    #[serde(flatten)]
    report: Report<'a>,
    engine_version: &'static str,
    graph_digest: String,
}

#[derive(Debug, Serialize)]
struct AffectedOut<'a> {
    service: &'a str,
    distance: u32,
    probability: f64,
    path: Vec<&'a str>,
    tier: u8,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct JourneyOut<'a> {
    service: &'a str,
    probability: f64,
    distance: u32,
}

#[derive(Debug, Serialize)]
struct EvidenceOut<'a> {
    target: &'a str,
    tier: u8,
    probability: f64,
    path: Vec<&'a str>,
}

impl<'a> Report<'a> {
    /// With `paths`, each affected node's path (check [`listable`] first);
    /// without, empty paths.
    fn new(graph: &'a FrozenGraph, blast: &'a BlastRadius, paths: bool, bounds: Option<BoundsOut>) -> Self {
        let id = |i: u32| graph.node(i).map_or("", |n| n.id());
        let ids = |path: Vec<u32>| path.into_iter().map(id).collect::<Vec<_>>();
        let mut changed: Vec<&str> = blast.changed().iter().map(|&i| id(i)).collect();
        changed.sort_unstable();
        let affected = blast
            .affected()
            .iter()
            .map(|a| {
                let node = graph.node(a.node());
                AffectedOut {
                    service: id(a.node()),
                    distance: a.distance(),
                    probability: round6(a.probability().get()),
                    path: if paths { ids(blast.path_to(a.node())) } else { Vec::new() },
                    tier: a.tier().level(),
                    kind: node.map_or("service", |n| n.kind().as_str()),
                    owner: node.and_then(|n| n.owner()),
                }
            })
            .collect();
        let by_tier = blast.tier_counts().iter().enumerate().map(|(t, c)| (t.to_string(), *c)).collect();
        Self {
            changed,
            affected,
            affected_count: blast.affected_count(),
            by_tier,
            highest_tier: blast.highest_tier().map(|t| t.level()),
            weighted_impact: round6(blast.weighted_impact()),
            max_distance: blast.max_distance(),
            journeys: blast
                .journeys()
                .iter()
                .map(|j| JourneyOut {
                    service: id(j.node()),
                    probability: round6(j.probability().get()),
                    distance: j.distance(),
                })
                .collect(),
            owners: blast.owners().collect(),
            evidence: blast
                .evidence()
                .iter()
                .map(|e| EvidenceOut {
                    target: id(e.target()),
                    tier: e.tier().level(),
                    probability: round6(e.probability().get()),
                    path: ids(e.nodes().to_vec()),
                })
                .collect(),
            bounds,
        }
    }

    /// Ids, owners and journeys come from the graph's files: each shown on
    /// one line, hidden characters escaped ([`one_line`]).
    fn write_human(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "changed: {}", one_line(&self.changed.join(", ")))?;
        let tiers: Vec<String> = self.by_tier.iter().map(|(t, c)| format!("tier {t}: {c}")).collect();
        writeln!(out, "affected: {} ({})", self.affected_count, tiers.join(", "))?;
        if let Some(b) = &self.bounds {
            let mut given = Vec::new();
            if let Some(d) = b.max_depth {
                given.push(format!("--max-depth {d}"));
            }
            if let Some(p) = b.min_probability {
                given.push(format!(
                    "--min-probability {}",
                    crate::printable::number(p).unwrap_or_else(|| p.to_string())
                ));
            }
            writeln!(
                out,
                "bounded by {}: {} more dependents beyond the bounds are not counted above",
                given.join(" and "),
                b.beyond_bounds
            )?;
        }
        if let Some(t) = self.highest_tier {
            writeln!(out, "highest tier reached: {t}; criticality-weighted impact: {}", self.weighted_impact)?;
        }
        if self.journeys.is_empty() {
            writeln!(out, "journeys reached: none")?;
        } else {
            let j: Vec<String> =
                self.journeys.iter().map(|j| format!("{} (p={:.3})", j.service, j.probability)).collect();
            writeln!(out, "journeys reached: {}", one_line(&j.join(", ")))?;
        }
        if !self.owners.is_empty() {
            writeln!(out, "owning teams: {}", one_line(&self.owners.join(", ")))?;
        }
        if !self.evidence.is_empty() {
            writeln!(out, "evidence (most critical first):")?;
            for e in &self.evidence {
                let path = one_line(&e.path.join(" -> "));
                writeln!(out, "  tier {} {} p={:.3}: {path}", e.tier, one_line(e.target), e.probability)?;
            }
        }
        const SHOWN: usize = 50;
        if !self.affected.is_empty() {
            writeln!(out, "affected services (distance, probability):")?;
            for a in self.affected.iter().take(SHOWN) {
                writeln!(out, "  {} ({}, {:.3})", one_line(a.service), a.distance, a.probability)?;
            }
            if self.affected.len() > SHOWN {
                writeln!(out, "  ... and {} more (use --format json for all)", self.affected.len() - SHOWN)?;
            }
        }
        Ok(())
    }
}

/// The affected subgraph for Graphviz: changed nodes filled, tiers as
/// colours, edges labelled with their propagation probability.
fn write_dot(out: &mut impl Write, graph: &FrozenGraph, blast: &BlastRadius) -> std::io::Result<()> {
    let mut members: Vec<u32> = blast.changed().to_vec();
    members.extend(blast.affected().iter().map(|a| a.node()));
    members.sort_unstable();
    members.dedup();
    let colour = ["red", "orange", "gold", "gray60"];
    writeln!(out, "digraph blast_radius {{")?;
    writeln!(out, "    rankdir = BT;")?;
    writeln!(out, "    node [shape = box, style = \"rounded,filled\", fillcolor = white];")?;
    for &i in &members {
        let Some(n) = graph.node(i) else { continue };
        let tier = n.effective_tier().level();
        let c = colour.get(usize::from(tier)).copied().unwrap_or("gray60");
        let changed = blast.changed().binary_search(&i).is_ok();
        let fill = if changed { ", fillcolor = \"#ffd6d6\", penwidth = 3" } else { "" };
        let p = blast.get(i).map(|a| format!("\\np={:.2}", a.probability().get())).unwrap_or_default();
        writeln!(out, "    n{i} [label = \"{}\\ntier {tier}{p}\", color = {c}{fill}];", escape_dot(n.id()))?;
    }
    for &i in &members {
        for &j in graph.dependencies_of(i) {
            if members.binary_search(&j).is_err() {
                continue;
            }
            let p = graph.dependency(i, j).map_or(0.0, |d| d.probability().get());
            writeln!(out, "    n{i} -> n{j} [label = \"{p:.2}\"];")?;
        }
    }
    writeln!(out, "}}")
}
