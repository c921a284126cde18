//! Standard input, read once: every input a command names is checked
//! before any is read, so that `-` for one input and a name of the same
//! pipe for another (`/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`) is a
//! usage error naming both flags, not a second input read empty from the
//! drained pipe (an audit: `--change - --codeowners /dev/stdin` asked no
//! owner, and `radius --graph - --batch /dev/stdin` answered nothing with
//! exit 0).

use std::path::Path;

use crate::args::{ChangeCommand, ChangeInput, Command, GraphCommand, PolicyCommand};
use crate::exit::Failure;

/// The system's names of standard input, beside `-`.
pub(crate) const STDIN_NAMES: [&str; 3] = ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];

/// The files `command` reads, each with the flag that names it (`FILE`
/// for a positional file).
pub fn inputs(command: &Command) -> Vec<(&'static str, &Path)> {
    let mut found = Vec::new();
    match command {
        Command::Graph(g) => {
            let input = match &g.command {
                GraphCommand::Check(a) => &a.input,
                GraphCommand::Export(a) => &a.input,
                GraphCommand::Freeze(a) => &a.input,
            };
            found.extend(input.files.iter().map(|p| ("FILE", p.as_path())));
        }
        Command::Radius(a) => {
            found.extend(a.graph.iter().map(|p| ("--graph", p.as_path())));
            found.extend(a.batch.iter().map(|p| ("--batch", p.as_path())));
        }
        Command::Change(c) => match &c.command {
            ChangeCommand::Show(a) => change_inputs(&a.input, &mut found),
        },
        Command::Assess(a) => {
            change_inputs(&a.input, &mut found);
            found.extend(a.context.iter().map(|p| ("--context", p.as_path())));
            found.extend(a.policy.iter().map(|p| ("--policy", p.as_path())));
        }
        Command::Calibrate(a) => {
            found.push(("--history", a.input.history.as_path()));
            found.extend(a.policy.iter().map(|p| ("--policy", p.as_path())));
        }
        Command::Backtest(a) => {
            found.push(("--history", a.input.history.as_path()));
            found.extend(a.policy.iter().map(|p| ("--policy", p.as_path())));
        }
        Command::Policy(p) => match &p.command {
            PolicyCommand::Default => {}
            PolicyCommand::Check(a) => found.push(("FILE", a.policy.as_path())),
        },
        Command::Synth(_) | Command::Demo(_) => {}
    }
    found
}

/// The files of the changeset flags (`change show`, `assess`).
fn change_inputs<'a>(input: &'a ChangeInput, found: &mut Vec<(&'static str, &'a Path)>) {
    found.extend(input.change.iter().map(|p| ("--change", p.as_path())));
    found.extend(input.graph.iter().map(|p| ("--graph", p.as_path())));
    found.extend(input.terraform_plan.iter().map(|p| ("--terraform-plan", p.as_path())));
    found.extend(input.codeowners.iter().map(|p| ("--codeowners", p.as_path())));
    found.extend(input.service_map.iter().map(|p| ("--service-map", p.as_path())));
}

/// Refuses `inputs` (flag and path) that read standard input twice: `-`
/// twice; `-` and a name of standard input (the same device and inode, or
/// spelt `/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`); or, when standard
/// input is a pipe or socket, two names of it. Two names of a regular file
/// standard input is redirected from (`< file`) each read it whole, and
/// are left alone.
///
/// # Errors
/// [`Failure::Usage`] (exit 2, before anything is read) naming the first
/// two flags that read it.
pub fn check(inputs: &[(&str, &Path)]) -> Result<(), Failure> {
    let stdin = Stdin::now();
    let reading: Vec<&(&str, &Path)> =
        inputs.iter().filter(|(_, path)| is_dash(path) || stdin.is_named_by(path)).collect();
    let dashes = reading.iter().filter(|(_, path)| is_dash(path)).count();
    let (Some((flag_a, a)), Some((flag_b, b))) = (reading.first(), reading.get(1)) else { return Ok(()) };
    if dashes == 0 && !stdin.stream {
        return Ok(());
    }
    let shown = |p: &Path| crate::printable::one_line(&p.display().to_string());
    Err(Failure::Usage(format!(
        "standard input is given twice, to {flag_a} `{}` and to {flag_b} `{}`: it can be read once (`/dev/stdin`, \
         `/dev/fd/0` and `/proc/self/fd/0` are names of it), and the second input would read nothing; help: give \
         `-` for one input only, and pass the others as files",
        shown(a),
        shown(b)
    )))
}

/// Whether `path` is `-`.
fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// What this process's standard input is.
struct Stdin {
    /// Its device and inode, when it can be found.
    id: Option<(u64, u64)>,
    /// Whether it is a pipe or a socket: a stream that a first read drains.
    stream: bool,
}

impl Stdin {
    #[cfg(unix)]
    fn now() -> Self {
        use std::os::fd::AsFd as _;
        use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
        let meta =
            std::io::stdin().as_fd().try_clone_to_owned().ok().and_then(|fd| std::fs::File::from(fd).metadata().ok());
        match meta {
            Some(m) => {
                let kind = m.file_type();
                Self { id: Some((m.dev(), m.ino())), stream: kind.is_fifo() || kind.is_socket() }
            }
            None => Self { id: None, stream: false },
        }
    }

    #[cfg(not(unix))]
    fn now() -> Self {
        Self { id: None, stream: false }
    }

    /// Whether `path` (not `-`) names standard input: spelt as one of the
    /// system's names of it, or the same device and inode.
    fn is_named_by(&self, path: &Path) -> bool {
        if STDIN_NAMES.iter().any(|name| path == Path::new(name)) {
            return true;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            if let (Some(id), Ok(named)) = (self.id, std::fs::metadata(path)) {
                return id == (named.dev(), named.ino());
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "test code: a panic is a failed test")]

    use std::path::Path;

    use super::check;

    #[test]
    fn dash_twice_or_beside_a_name_of_stdin_is_refused_naming_both_flags() {
        for (a, b) in [("-", "-"), ("-", "/dev/stdin"), ("/dev/fd/0", "-"), ("-", "/proc/self/fd/0")] {
            let Err(e) =
                check(&[("--change", Path::new(a)), ("--graph", Path::new("g.edges")), ("--codeowners", Path::new(b))])
            else {
                panic!("{a} and {b} were accepted");
            };
            let text = e.to_string();
            assert!(
                text.contains(&format!("--change `{a}`")) && text.contains(&format!("--codeowners `{b}`")),
                "{text}"
            );
            assert_eq!(e.code(), crate::exit::USAGE);
        }
    }

    #[test]
    fn one_reader_of_stdin_is_accepted() {
        assert!(check(&[("--change", Path::new("-")), ("--graph", Path::new("g.edges"))]).is_ok());
        assert!(check(&[("--change", Path::new("./-")), ("--graph", Path::new("-"))]).is_ok());
        assert!(check(&[]).is_ok());
    }
}
