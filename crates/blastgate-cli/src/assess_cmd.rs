//! `blastgate assess`: the decision, for people (human, markdown), for
//! gate tools (json, exit codes) and for CI systems (github, sarif).

mod render;

use std::io::Write;

use blastgate::assess::{AssessOptions, Assessment, Diagnostic, Engine, Level, default_policy, load_policy};
use blastgate::context::{Context, Staleness, Timestamp, load_context, load_context_at, staleness};

use crate::args::{AssessArgs, AssessFormat};
use crate::change_cmd::{Inputs, Naming, read_inputs};
use crate::exit::{Failure, SUCCESS};
use crate::printable::Printable;

/// Exit code of an assessment at or above `--fail-at`, or with an error
/// diagnostic: the gate stops.
pub const GATE_STOPS: u8 = 1;

/// Runs `assess`.
pub fn run(args: &AssessArgs) -> Result<u8, Failure> {
    assess(args).map_err(|f| f.with_repo_hint(args.input.repo.as_deref()))
}

fn assess(args: &AssessArgs) -> Result<u8, Failure> {
    // Without a graph nothing the change touches can be checked or
    // placed: every service would be unknown, its blast radius empty.
    // `change show` may look at a change without one; a decision may not.
    if args.input.graph.is_empty() {
        return Err(Failure::Usage(
            "assess needs --graph FILE...: without the graph, the services a change touches can be neither \
             checked nor placed, and its blast radius would look empty"
                .into(),
        ));
    }
    let human = matches!(args.format, AssessFormat::Human | AssessFormat::Markdown);
    // Warnings name inputs by file name: the bytes of an assessment depend
    // on its inputs' content, not on the folder they were named from.
    let inputs = read_inputs(&args.input, human, Naming::FileName)?;
    let policy = match &args.policy {
        Some(path) => load_policy(path)?,
        None => default_policy()?,
    };
    let Assessed { context, notes: clock_notes, deploy_until, stated_now } =
        context(args, policy.deploy.window_minutes)?;
    let Inputs {
        graph, mut changeset, label, mapping, mapping_digest, allow_unknown, history_measured, warnings, ..
    } = inputs;
    let stretched = deploy_until.is_some_and(|until| stretch_deploy(&mut changeset, until));
    let engine = Engine::new(graph, policy)?;
    let options = AssessOptions::default()
        .with_mapping(&mapping, &mapping_digest)
        .allow_unknown_services(allow_unknown)
        .history_measured(history_measured)
        .files_read(history_measured)
        .context_stated_now(stated_now)
        .changeset_name(&label);
    let mut assessment = engine.assess_with(&changeset, &context, &options);
    if stretched {
        // The engine's `deploy-later` would name the context's `now` as
        // the change's `deploy_at` and the clock as the context's `now`
        // (a docs audit): the clock note or `stale-context` warning says
        // what was done, in the words of the inputs.
        assessment.diagnostics.retain(|d| d.code != "deploy-later");
    }
    // Merged into the engine's order (level, code, message), as
    // docs/model.md says the list is.
    let inputs = warnings.into_iter().map(|w| Diagnostic::new(Level::Warning, "input", w));
    assessment.add_diagnostics(inputs.chain(clock_notes));
    // A non-finite number is an internal error (exit 3), in every format.
    if let Some(place) = assessment.non_finite_number() {
        return Err(Failure::Internal(format!("non-finite number at `{place}`; nothing was decided")));
    }
    // An assessment that met an error stops the gate whatever its depth:
    // blastgate never exits 0 on an error, even under a policy whose
    // `error_depth` is below `--fail-at`.
    let stops = assessment.gate_at(args.fail_at);
    let mut out = std::io::stdout().lock();
    match args.format {
        AssessFormat::Json => {
            let text = blastgate::assess::try_to_json(&assessment).map_err(Failure::Internal)?;
            writeln!(out, "{text}")?;
        }
        AssessFormat::Human => {
            let mut shown = Printable::new(&mut out);
            render::human(&mut shown, &assessment, stops, &engine.policy().bands)?;
            shown.flush()?;
        }
        AssessFormat::Markdown => {
            let mut shown = Printable::new(&mut out);
            render::markdown(&mut shown, &assessment, stops, &engine.policy().bands)?;
            shown.flush()?;
        }
        AssessFormat::Github => github(&mut out, &assessment, stops, &engine.policy().bands)?,
        AssessFormat::Sarif => {
            let files = render::files_by_service(&engine, &changeset, &options);
            let changed: Vec<String> = changeset.files.iter().map(|f| f.path.clone()).collect();
            // Where a result of no changed file is located: the plans and
            // every graph file, as relative paths (`render::sarif` sorts
            // them), so that neither the order of `--graph` files nor how
            // a path is spelled (`./a.yaml`, its absolute path) nor reading
            // the changeset from a pipe changes the bytes (a determinism
            // audit); the changeset only when no such file is named.
            let input = &args.input;
            let mut inputs: Vec<String> =
                input.terraform_plan.iter().chain(&input.graph).filter_map(|p| relative_path(p)).collect();
            if inputs.is_empty() {
                inputs.extend(input.change.iter().filter_map(|p| relative_path(p)));
            }
            writeln!(out, "{}", render::sarif(&assessment, &files, &changed, &inputs, stops))?;
        }
    }
    out.flush()?;
    // The process ends here: freeing a large graph node by node (a million
    // ids) only delays the exit, by about 20 ms at 1M nodes. The operating
    // system takes the memory back at once.
    std::mem::forget(engine);
    Ok(if stops { GATE_STOPS } else { SUCCESS })
}

/// The context and the instant assessed at, with notes on how they were
/// chosen.
struct Assessed {
    context: Context,
    notes: Vec<Diagnostic>,
    /// A context dated away from the clock: the checked span stretched to
    /// reach this instant (see [`stretch_deploy`]), the context's `now`
    /// for one ahead of the clock (assessed at the clock's instant), the
    /// clock's for one behind it (assessed at its own).
    deploy_until: Option<Timestamp>,
    /// The `now` the context file stated, when it is assessed as of another
    /// instant: covered by the input digest.
    stated_now: Option<Timestamp>,
}

/// The context: the file's or, without a file, an empty one. Its instant
/// is `--now`, else the file's `now` (an input, as the context format
/// says), else the system clock, with a note, since the output then
/// depends on when it ran (a file of freezes and people may state no
/// `now`, and is then never stale). A file's `now` more than the deploy window
/// before the instant of the deploy (`--now`, else the clock) gets a
/// warning and, without `--now`, is assessed from its own instant to the
/// clock's (so is one less far behind, with a note); one more than a few
/// minutes after it gets a warning too and,
/// without `--now`, is assessed from the clock's instant to its own (fail
/// closed either way: a freeze in force at either instant counts).
fn context(args: &AssessArgs, window_minutes: u32) -> Result<Assessed, Failure> {
    let now =
        match &args.now {
            Some(text) => Some(Timestamp::parse(text).map_err(|e| {
                Failure::Usage(format!("--now `{}`: {}", crate::printable::one_line(text), e.message()))
            })?),
            None => None,
        };
    match (&args.context, now) {
        (Some(path), Some(now)) => {
            // Compared with the instant given, not the clock: the same
            // inputs, the same bytes (a context committed long ago, read
            // at today's --now, has old incidents and budgets).
            // A context of freezes and people only may leave its `now`
            // out (a freeze calendar committed to the repository): it
            // states no instant, so it cannot be stale.
            let (context, stated) = load_context_at(path, now)?;
            let mut notes = Vec::new();
            if stated && let Some(apart) = staleness(context.now(), now, window_minutes) {
                notes.push(Diagnostic::new(Level::Warning, "stale-context", apart.message(context.now(), now)));
            }
            let stated_now = stated.then(|| context.now());
            Ok(Assessed { context: context.as_of(now), notes, deploy_until: None, stated_now })
        }
        (Some(path), None) => {
            // The file's `now` is the instant. The clock is an input too
            // then: a file far from it (a context committed last month,
            // whose scheduled freezes since would go unseen) is said to be
            // stale, and a replay that must give the same bytes passes
            // --now. A file dated ahead of the clock cannot be true, and
            // assessed at its `now` it would hide a freeze in force now
            // that ends before then (found by a fail-closed audit: `auto`
            // through a freeze, with only a warning): the change is
            // assessed at the clock's instant, its deploy window stretched
            // to run until the file's `now` plus the window, so that what
            // is in force at either instant counts.
            let Ok(clock) = system_clock() else {
                return Ok(Assessed {
                    context: load_context(path)?,
                    notes: Vec::new(),
                    deploy_until: None,
                    stated_now: None,
                });
            };
            let (context, dated) = load_context_at(path, clock)?;
            if !dated {
                // No instant in the file, none given: the clock's, said,
                // as for no context at all.
                let note = format!(
                    "the context states no `now` and no --now was given: assessed at the system clock's {clock}; \
                     pass --now for reproducible output"
                );
                return Ok(Assessed {
                    context,
                    notes: vec![Diagnostic::new(Level::Note, "clock", note)],
                    deploy_until: None,
                    stated_now: None,
                });
            }
            let stated = context.now();
            // Assessed from the clock's instant until the deploy window
            // after the context's `now` ends, with `diagnostic` saying so.
            let from_clock = |context: Context, diagnostic: Diagnostic| Assessed {
                context: context.as_of(clock),
                notes: vec![diagnostic],
                deploy_until: Some(stated),
                stated_now: Some(stated),
            };
            match staleness(stated, clock, window_minutes) {
                // Ahead by less than the skew allowed: not stale, but a
                // freeze in force at the clock's instant that ends before
                // the context's `now` would still go unseen (a red-team
                // pass: `auto` through it, with no word), so the span is
                // stretched the same way, with a note.
                None if stated > clock => {
                    let note = format!(
                        "the context's `now`, {stated}, is a little ahead of the system clock ({clock}): the \
                         change is assessed from the clock's instant until the deploy window after the context's \
                         `now` ends. Pass the time with --now for reproducible output"
                    );
                    Ok(from_clock(context, Diagnostic::new(Level::Note, "clock", note)))
                }
                // Behind the clock by less than the window: still assessed
                // at its `now`, but with the span stretched to the end of the
                // deploy window after the clock's instant, as for a stale one
                // (a red team: a context exported 59 minutes before the gate
                // ran hid a freeze starting in 30, `peer` with no word).
                None if stated < clock => {
                    let note = format!(
                        "the context's `now`, {stated}, is before the system clock ({clock}): the change is \
                         assessed at the context's `now`, with the span checked for freezes and changes in flight \
                         running until the deploy window after the clock's instant ends. Pass the time with --now \
                         for reproducible output"
                    );
                    Ok(Assessed {
                        context,
                        notes: vec![Diagnostic::new(Level::Note, "clock", note)],
                        deploy_until: Some(clock),
                        stated_now: None,
                    })
                }
                None => Ok(Assessed { context, notes: Vec::new(), deploy_until: None, stated_now: None }),
                // Behind the clock: assessed at its `now`, with the span
                // checked for freezes and changes in flight stretched to the
                // end of the deploy window after the clock's instant, so
                // that a freeze in force now counts (red team 32: a context
                // from yesterday hid today's freeze, `auto` with only a
                // warning), as one in force at its `now` does (a contract
                // audit: assessed at the clock, the issue's own context lost
                // its freeze).
                Some(Staleness::Behind) => {
                    let note = format!(
                        "the context's `now`, {stated}, is more than the deploy window before the system clock \
                         ({clock}): the change is assessed at the context's `now`, with the span checked for \
                         freezes and changes in flight running until the deploy window after the clock's instant \
                         ends, so what is in force at either instant counts; its incidents and error budgets are as \
                         of its `now` and may be out of date. Refresh the context, or pass the time with --now \
                         (such as --now \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\")"
                    );
                    Ok(Assessed {
                        context,
                        notes: vec![Diagnostic::new(Level::Warning, "stale-context", note)],
                        deploy_until: Some(clock),
                        stated_now: None,
                    })
                }
                Some(Staleness::Ahead) => {
                    let note = format!(
                        "the context's `now`, {stated}, is ahead of the system clock ({clock}), which it cannot \
                         truly be: the change is assessed at the clock's instant, with the span checked for \
                         freezes and changes in flight running until the deploy window after the context's \
                         `now` ends, so what is in force at either instant counts. Fix the context's `now`, or \
                         pass the time with --now"
                    );
                    Ok(from_clock(context, Diagnostic::new(Level::Warning, "stale-context", note)))
                }
            }
        }
        (None, Some(now)) => {
            Ok(Assessed { context: Context::new(now), notes: Vec::new(), deploy_until: None, stated_now: None })
        }
        (None, None) => {
            let now = system_clock()?;
            let note = format!(
                "no --context or --now: assessed at the system clock's {now}; pass --now for reproducible output"
            );
            Ok(Assessed {
                context: Context::new(now),
                notes: vec![Diagnostic::new(Level::Note, "clock", note)],
                deploy_until: None,
                stated_now: None,
            })
        }
    }
}

/// Moves `changeset`'s `deploy_at` to `until` unless it is later already:
/// the engine then checks from the context's `now` to the end of the
/// deploy window after `until` (as docs/formats.md says of a later
/// `deploy_at`). A `deploy_at` that is no time is kept, so that the
/// engine reports it (and escalates). Whether it moved it.
fn stretch_deploy(changeset: &mut blastgate::change::Changeset, until: Timestamp) -> bool {
    let later = match changeset.deploy_at.as_deref().map(Timestamp::parse) {
        None => false,
        Some(Ok(at)) => at >= until,
        Some(Err(_)) => true,
    };
    if !later {
        changeset.deploy_at = Some(until.to_string());
    }
    !later
}

/// The system clock, to the second.
fn system_clock() -> Result<Timestamp, Failure> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| Failure::Internal(format!("the system clock is before 1970: {e}")))?
        .as_secs();
    i64::try_from(seconds)
        .ok()
        .and_then(Timestamp::from_unix_seconds)
        .ok_or_else(|| Failure::Internal("the system clock is out of range".into()))
}

/// The last byte of a file, if it has one.
fn last_byte(file: &mut std::fs::File) -> std::io::Result<Option<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(None);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut byte = [0_u8];
    file.read_exact(&mut byte)?;
    let [b] = byte;
    Ok(Some(b))
}

/// `path` as a relative URI reference for SARIF: the file's place under
/// the working folder (both read with their links resolved, so that a path
/// given in full, through a linked folder, or with `..` in it names the same
/// file alike), else its file name alone (a location code scanning could
/// not place in the repository, and a byte of the machine's in the answer);
/// `None` for standard input. A path that cannot be resolved (gone since it
/// was read) is its file name too.
fn relative_path(path: &std::path::Path) -> Option<String> {
    use std::path::PathBuf;
    // Standard input, by `-` or a name of its pipe, is no file.
    if path.as_os_str() == "-" || crate::stdin_once::STDIN_NAMES.iter().any(|n| path == std::path::Path::new(n)) {
        return None;
    }
    let resolved = std::fs::canonicalize(path).ok();
    let cwd = std::env::current_dir().ok().and_then(|c| std::fs::canonicalize(c).ok());
    let inside = resolved.as_deref().zip(cwd.as_deref()).and_then(|(p, c)| p.strip_prefix(c).ok().map(PathBuf::from));
    let relative = match inside {
        Some(inside) => inside,
        None => PathBuf::from(path.file_name()?),
    };
    Some(relative.to_string_lossy().into_owned())
}

/// GitHub Actions: workflow commands on stdout, the step outputs in
/// `$GITHUB_OUTPUT` and the markdown report in `$GITHUB_STEP_SUMMARY` when
/// those are set.
fn github(out: &mut impl Write, a: &Assessment, stops: bool, bands: &blastgate::assess::Bands) -> Result<(), Failure> {
    render::github_commands(out, a, stops)?;
    let append = |var: &str, text: &str| -> Result<(), Failure> {
        if let Some(path) = std::env::var_os(var) {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .read(true)
                .append(true)
                .open(&path)
                .map_err(|e| Failure::Internal(format!("cannot open ${var}: {e}")))?;
            // Opened to read too, a named pipe nobody reads yet takes the
            // outputs into this process's own pipe, lost at exit (an
            // environment audit: exit 0, `gate_stops` never delivered).
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt as _;
                let kind = file.metadata().map_err(|e| Failure::Internal(format!("cannot read ${var}: {e}")))?;
                if kind.file_type().is_fifo() || kind.file_type().is_socket() {
                    return Err(Failure::Internal(format!(
                        "${var} names a pipe or a socket, where the outputs could be lost; name a file"
                    )));
                }
            }
            // An earlier writer may have left its last line open: our first
            // line would then join it (`x=yreview_depth=senior`), and a
            // step testing `review_depth` would read nothing.
            let open_line = last_byte(&mut file)
                .map_err(|e| Failure::Internal(format!("cannot read ${var}: {e}")))?
                .is_some_and(|b| b != b'\n');
            let text = if open_line { format!("\n{text}") } else { text.to_owned() };
            file.write_all(text.as_bytes()).map_err(|e| Failure::Internal(format!("cannot write ${var}: {e}")))?;
        }
        Ok(())
    };
    append("GITHUB_OUTPUT", &render::github_outputs(a, stops))?;
    let mut summary = Vec::new();
    let mut shown = Printable::new(&mut summary);
    render::markdown(&mut shown, a, stops, bands)?;
    shown.flush()?;
    append("GITHUB_STEP_SUMMARY", &String::from_utf8_lossy(&summary))?;
    Ok(())
}
