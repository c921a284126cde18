//! The `blastgate` command.
//!
//! Exit codes (docs/cli.md): 0 success; 2 invalid input or usage, nothing
//! done; 3 internal error or limit exceeded. A panic is a bug and exits 3.

// `println!` and `eprintln!` panic when their stream is closed or full; a
// gate's answer must never become "internal error" because a log pipe
// went away. Writes go through `writeln!` with the error handled
// (`printable::warn`, `printable::note`).
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod assess_cmd;
mod backtest_cmd;
mod calibrate_cmd;
mod change_cmd;
mod demo_cmd;
mod exit;
mod freeze_cmd;
mod graph_cmd;
mod out_path;
mod policy_cmd;
mod printable;
mod progress;
mod radius_cmd;
mod stdin_once;

use std::io::Write;
use std::process::ExitCode;

/// jemalloc rather than the system allocator: loading a large graph makes a
/// million small allocations and 100 MB of large ones, which it serves in
/// about half the time (see the workspace Cargo.toml).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::Parser;

fn main() -> ExitCode {
    let args = match args::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors exit 2.
            if e.use_stderr() {
                // Without colour, and through the writer that shows hidden
                // characters: clap quotes the value it refused as given, and
                // a value from a pull request's form (`--ai`) with a line
                // break ran `::add-mask::block` in a CI log (a rendering
                // audit).
                let mut stderr = printable::Printable::new(std::io::stderr().lock());
                let _ = write!(stderr, "{}", e.render());
                let _ = stderr.flush();
                return ExitCode::from(exit::USAGE);
            }
            // Help that could not be written is a failure to write output
            // (`--help > /dev/full` exited 0 with nothing said); a reader
            // gone (`--help | head`) is quiet, as for every command.
            return match e.print().and_then(|()| std::io::stdout().flush()).map_err(exit::Failure::from) {
                Ok(()) | Err(exit::Failure::BrokenPipe) => ExitCode::from(exit::SUCCESS),
                Err(failure) => {
                    let _ = writeln!(std::io::stderr(), "error: {failure}");
                    ExitCode::from(failure.code())
                }
            };
        }
    };
    // A gate reads `assess`'s exit code as its decision: output that never
    // reached its reader is a failure there, and a quiet stop elsewhere.
    let gate = matches!(args.command, args::Command::Assess(_));
    let outcome = std::panic::catch_unwind(|| threads().and_then(|pool| pool.install(|| run(args))));
    match outcome {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(exit::Failure::BrokenPipe)) if !gate => ExitCode::from(exit::SUCCESS),
        Ok(Err(e)) => {
            // Messages quote inputs: hidden characters shown, not obeyed
            // (the line breaks left are the message's own layout).
            let mut stderr = printable::Printable::new(std::io::stderr().lock());
            let _ = writeln!(stderr, "error: {e}");
            let _ = stderr.flush();
            ExitCode::from(e.code())
        }
        Err(_) => {
            let _ = writeln!(std::io::stderr(), "error: internal error (a bug in blastgate); nothing was decided");
            ExitCode::from(exit::INTERNAL)
        }
    }
}

/// The threads the work runs on: a pool of one thread a core (or
/// `RAYON_NUM_THREADS`, at most [`max_threads`]), with the main thread's
/// stack size; where no thread can be started (a container's pids limit,
/// `ulimit -u`), this thread alone, with a warning. rayon's global pool
/// panicked on first use there instead (an environment audit: every
/// assessment exited 3 as "a bug"), and can be built only once, so a failed
/// start cannot be retried with it.
fn threads() -> Result<rayon::ThreadPool, exit::Failure> {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let max = max_threads(cores);
    // Read as rayon reads it (a count above zero; anything else is one
    // thread a core), and bounded: ten thousand threads made a 30 ms
    // assessment take five minutes (an environment audit).
    let asked = std::env::var("RAYON_NUM_THREADS").ok().and_then(|v| v.parse::<usize>().ok());
    if let Some(asked) = asked.filter(|&n| n > max) {
        let _ = writeln!(
            std::io::stderr(),
            "warning: RAYON_NUM_THREADS={asked} is more threads than blastgate starts; working on {max} \
             ({MAX_THREADS_PER_CORE} a core, at most {MAX_THREADS}); help: unset it, or set it to at most {max}"
        );
        builder = builder.num_threads(max);
    }
    builder.build().or_else(|e| {
        let _ = writeln!(std::io::stderr(), "warning: cannot start worker threads ({e}); working on this thread alone");
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .use_current_thread()
            .build()
            .map_err(|e| exit::Failure::Internal(format!("cannot start a thread pool: {e}")))
    })
}

/// The most worker threads per core that `RAYON_NUM_THREADS` may ask for.
/// The work is computation on memory, not waiting: past a few threads a
/// core, more only add starting, stopping and switching between them.
const MAX_THREADS_PER_CORE: usize = 4;

/// The most worker threads on any machine: each reserves [`WORKER_STACK`]
/// of address space (256 of them 2 GiB), and no part of the work is split
/// finer than this pays for.
const MAX_THREADS: usize = 256;

/// The thread count `RAYON_NUM_THREADS` is cut to on a machine of `cores`
/// cores: [`MAX_THREADS_PER_CORE`] a core, at most [`MAX_THREADS`].
fn max_threads(cores: usize) -> usize {
    cores.max(1).saturating_mul(MAX_THREADS_PER_CORE).min(MAX_THREADS)
}

/// The stack of each worker thread: a main thread's usual 8 MiB (the work
/// needs far less: nothing recurses over input depth).
const WORKER_STACK: usize = 8 << 20;

fn run(cli: args::Cli) -> Result<u8, exit::Failure> {
    // Before anything is read: standard input named for two inputs.
    stdin_once::check(&stdin_once::inputs(&cli.command))?;
    match cli.command {
        args::Command::Graph(g) => match g.command {
            args::GraphCommand::Check(a) => graph_cmd::check(&a),
            args::GraphCommand::Export(a) => graph_cmd::export(&a),
            args::GraphCommand::Freeze(a) => freeze_cmd::run(&a),
        },
        args::Command::Radius(a) => radius_cmd::run(&a),
        args::Command::Change(c) => match c.command {
            args::ChangeCommand::Show(a) => change_cmd::show(&a),
        },
        args::Command::Assess(a) => assess_cmd::run(&a),
        args::Command::Synth(a) => synth_cmd(&a),
        args::Command::Demo(a) => demo_cmd::run(&a),
        args::Command::Calibrate(a) => calibrate_cmd::run(&a),
        args::Command::Backtest(a) => backtest_cmd::run(&a),
        args::Command::Policy(p) => match p.command {
            args::PolicyCommand::Default => policy_cmd::default(),
            args::PolicyCommand::Check(a) => policy_cmd::check(&a),
        },
    }
}

/// `synth`: write a synthetic edge list.
fn synth_cmd(args: &args::SynthArgs) -> Result<u8, exit::Failure> {
    let mut config = blastgate::synth::SynthConfig::new(args.services, args.edges).with_seed(args.seed);
    config.cycle_share = args.cycle_share;
    if let Some(span) = args.cycle_span {
        config.cycle_span = span;
    }
    if let Some(share) = args.shared_share {
        config.shared_share = share;
    }
    let usage = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::InvalidInput {
            exit::Failure::Usage(e.to_string())
        } else {
            exit::Failure::Internal(format!("cannot write `{}`: {e}", args.out.display()))
        }
    };
    // Refused before the output is created: exit 2 leaves nothing behind.
    config.check().map_err(usage)?;
    match out_path::resolve("--out", &args.out)? {
        out_path::Output::Stdout => {
            blastgate::synth::write_edge_list(&config, &mut std::io::stdout().lock()).map_err(|e| {
                // Standard output's reader went away (`| head`): stop
                // quietly, as every command but `assess` does.
                if e.kind() == std::io::ErrorKind::BrokenPipe { exit::Failure::BrokenPipe } else { usage(e) }
            })?;
        }
        // Staged and renamed into place, as `graph freeze` writes: a run
        // that fails or is stopped leaves no cut edge list. A pipe named
        // by `--out` (a FIFO, `>(gzip ...)`) that refuses the rest is not
        // standard output's reader going away: the edge list was cut, and
        // that is exit 3 (an audit: it was a quiet exit 0).
        out_path::Output::File(path) => blastgate::synth::write_edge_list_file(&config, path).map_err(usage)?,
    }
    Ok(exit::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::{MAX_THREADS, max_threads};

    #[test]
    fn threads_are_bounded_by_the_cores_and_overall() {
        assert_eq!(max_threads(0), 4);
        assert_eq!(max_threads(2), 8);
        assert_eq!(max_threads(64), MAX_THREADS);
        assert_eq!(max_threads(usize::MAX), MAX_THREADS);
    }
}
