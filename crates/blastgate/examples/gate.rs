//! A deployment gate in a page: load a Backstage catalog, read the change
//! from a git range, assess it, and act on the review depth.
//!
//! ```sh
//! cargo run -p blastgate --example gate -- --repo . --range HEAD~1..HEAD catalog/*.yaml
//! ```
//!
//! Copy it and replace `act` with what your deploy tool does: request the
//! approvals, pick the rollout, or stop. Exit codes follow `blastgate
//! assess`: 0 go ahead (with the approvals listed), 1 stop, 2 bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use blastgate::assess::{Assessment, Engine, ReviewDepth, default_policy};
use blastgate::context::{Context, Timestamp};
use blastgate::git::{GitOptions, changeset_from_git};
use blastgate::graph::{BuildOptions, GraphFormat, GraphLoader};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut repo = PathBuf::from(".");
    let mut range = String::from("HEAD~1..HEAD");
    let mut catalog = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repo" => repo = args.next().ok_or("--repo needs a directory")?.into(),
            "--range" => range = args.next().ok_or("--range needs A..B")?,
            _ => catalog.push(PathBuf::from(arg)),
        }
    }
    if catalog.is_empty() {
        return Err("give one or more Backstage catalog files (catalog-info.yaml)".into());
    }

    // 1. The graph, from the catalog teams already keep.
    let mut loader = GraphLoader::new(BuildOptions::default());
    for file in &catalog {
        loader.add_file(file, Some(GraphFormat::Backstage))?;
    }
    let engine = Engine::new(loader.build()?.freeze(), default_policy()?)?;

    // 2. The change, from git: files, sizes, AI trailers, history metrics.
    let change = changeset_from_git(&repo, &range, &GitOptions::default())?;

    // 3. The context: a real gate reads incidents, freezes and error budgets
    //    from its own systems; "now" is always an input, never a clock read
    //    inside the engine.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let now = Timestamp::from_unix_seconds(i64::try_from(now)?).ok_or("clock out of range")?;
    let assessment = engine.assess(&change, &Context::new(now));

    // 4. Act on it.
    Ok(act(&assessment))
}

fn act(a: &Assessment) -> ExitCode {
    println!("{}", a.decision.summary);
    for rule in &a.rules {
        println!("  rule {}: {}", rule.id, rule.message);
    }
    for d in &a.diagnostics {
        println!("  {:?} {}: {}", d.level, d.code, d.message);
    }
    match a.review_depth() {
        ReviewDepth::Auto => {
            println!("deploy: no review needed");
            ExitCode::SUCCESS
        }
        ReviewDepth::Block => {
            println!("stop: {}", a.decision.break_glass.as_deref().unwrap_or("blocked"));
            ExitCode::from(1)
        }
        depth => {
            println!("{depth}: wait for these approvals, then roll out {:?}:", a.rollout.strategy);
            for p in &a.decision.required_approvals {
                let teams = if p.teams.is_empty() { "any team".to_owned() } else { p.teams.join(" or ") };
                println!("  {:?} x{} from {teams}: {}", p.role, p.count, p.reason);
            }
            ExitCode::SUCCESS
        }
    }
}
