//! `blastgate graph freeze`: merge graph files and write the frozen graph
//! as a binary snapshot that every `--graph` option reads back in tens of
//! milliseconds.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use blastgate::graph::{BuildOptions, GraphLoader, write_snapshot};
use clap::Args;

use crate::args::GraphInput;
use crate::exit::{Failure, SUCCESS};

#[derive(Debug, Args)]
pub struct FreezeArgs {
    #[command(flatten)]
    pub input: GraphInput,
    /// The snapshot to write (`.bgs` by convention; recognised by its
    /// contents, not its name).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `graph freeze`: load, merge, freeze, write.
pub fn run(args: &FreezeArgs) -> Result<u8, Failure> {
    let started = Instant::now();
    let progress = crate::progress::Progress::new(true);
    let mut loader = GraphLoader::new(BuildOptions::strict(args.input.strict));
    let format = args.input.input_format.map(|f| f.to_format());
    for path in &args.input.files {
        progress.step(format!("reading {}", path.display()));
        loader.add_file(path, format)?;
    }
    progress.step("merging and freezing");
    let graph = loader.build_frozen()?;
    progress.step(format!("writing {}", args.out.display()));
    write_snapshot(&graph, &args.out)?;
    drop(progress);
    let bytes = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "froze {} nodes and {} edges from {} file(s) into {} ({:.1} MB) in {:.2} s",
        graph.node_count(),
        graph.edge_count(),
        args.input.files.len(),
        args.out.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    )?;
    for w in graph.warnings() {
        eprintln!("warning: {w}");
    }
    Ok(SUCCESS)
}
