//! `blastgate graph freeze`: merge graph files and write the frozen graph
//! as a binary snapshot that every `--graph` option reads back in tens of
//! milliseconds.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use blastgate::graph::{BuildOptions, GraphLoader, write_snapshot, write_snapshot_to};
use clap::Args;

use crate::args::GraphInput;
use crate::exit::{Failure, SUCCESS};
use crate::out_path::{Output, is_stdout, refuse_input, resolve, same_file};

#[derive(Debug, Args)]
pub struct FreezeArgs {
    #[command(flatten)]
    pub input: GraphInput,
    /// The snapshot to write (`.bgs` by convention; recognised by its
    /// contents, not its name); `-` writes it to standard output (and the
    /// summary line to standard error).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `graph freeze`: load, merge, freeze, write.
pub fn run(args: &FreezeArgs) -> Result<u8, Failure> {
    // Before any work: a snapshot written over one of its own graph files
    // (`graph freeze a.edges --out a.edges`) would replace the input.
    // Standard output is no file of its own (`--out -` beside a file named
    // `-` given as `./-`).
    if !is_stdout(&args.out) && args.input.files.iter().any(|input| same_file(&args.out, input)) {
        return Err(refuse_input("--out", &args.out, "graph"));
    }
    let out = resolve("--out", &args.out)?;
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
    // `--out /dev/stdout` is standard output as `-` is: the summary line
    // goes to stderr, not after the snapshot.
    let to_stdout = out == Output::Stdout;
    let bytes = match out {
        Output::Stdout => {
            progress.step("writing to standard output");
            write_snapshot_to(&graph, std::io::stdout().lock())?
        }
        Output::File(path) => {
            progress.step(format!("writing {}", path.display()));
            // Every failure to write is exit 3, as for `--out -` (it was 2,
            // "invalid input", here); what cannot be written to was refused
            // by `resolve` before any work.
            write_snapshot(&graph, path).map_err(|e| Failure::Internal(e.to_string()))?
        }
    };
    drop(progress);
    let summary = format!(
        "froze {} nodes and {} edges from {} file(s) into {} ({}) in {:.2} s",
        graph.node_count(),
        graph.edge_count(),
        args.input.files.len(),
        if to_stdout { "standard output".to_owned() } else { args.out.display().to_string() },
        size(bytes),
        started.elapsed().as_secs_f64()
    );
    if to_stdout {
        crate::printable::note(&summary);
    } else {
        // The output's name as given may hold a line break or an escape
        // sequence (an audit): shown escaped, as messages show names.
        writeln!(std::io::stdout().lock(), "{}", crate::printable::one_line(&summary))?;
    }
    for w in graph.warnings() {
        crate::printable::warn(&w.to_string());
    }
    Ok(SUCCESS)
}

/// A size for people: bytes below a megabyte (a small graph's snapshot
/// would otherwise read "0.0 MB"), megabytes with one decimal above.
fn size(bytes: u64) -> String {
    if bytes < 1_000_000 { format!("{bytes} bytes") } else { format!("{:.1} MB", bytes as f64 / 1e6) }
}
