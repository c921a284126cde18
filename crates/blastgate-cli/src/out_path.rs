//! The files a command writes (`--out`, `--plot`), checked before any
//! work starts: a command that would replace one of its own inputs, or a
//! file its owner made read-only, or write where no file can be (a
//! directory, a folder that does not exist), is refused (exit 2) with
//! nothing done. A failure to write met later is exit 3, whichever way
//! the output was named (docs/cli.md, "Exit codes").

use std::path::Path;

use crate::exit::Failure;

/// Where a command's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output<'a> {
    /// Standard output: `-`, or a name of the file standard output already
    /// is (`/dev/stdout`, `/proc/self/fd/1`, the file `>` sends it to),
    /// which writing by name would mix with what goes to standard output
    /// or replace under it.
    Stdout,
    /// A file to create or replace, or a pipe or device to write into.
    File(&'a Path),
}

/// Resolves `flag`'s `path` into where the output goes, checking a file to
/// write.
///
/// # Errors
/// [`Failure::Usage`] (exit 2, before any work) when `path` cannot be a
/// file to write: a directory; a folder that does not exist; a read-only
/// file (it is replaced whole, a new file renamed over it, which needs
/// only the folder's permission, so replacing it would undo its owner's
/// protection). A failure met when writing (a full disk, a device that
/// refuses it) is [`Failure::Internal`], exit 3.
pub fn resolve<'a>(flag: &str, path: &'a Path) -> Result<Output<'a>, Failure> {
    if is_stdout(path) {
        return Ok(Output::Stdout);
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(refuse(flag, path, "it is a directory")),
        Ok(m) if m.is_file() && m.permissions().readonly() => {
            Err(refuse(flag, path, "the file is read-only; make it writable to have it replaced, or give another path"))
        }
        Ok(m) if m.is_file() => {
            // Staged beside the file a link leads to, which is replaced.
            let target = std::fs::canonicalize(path)
                .map_err(|e| refuse(flag, path, &format!("its real path cannot be found: {e}")))?;
            probe(flag, path, &folder_of(&target))
        }
        Ok(_) => Ok(Output::File(path)),
        // Like `cp`, no writing through a link to nothing: the file it
        // names may be meant elsewhere, and replacing the link with a file
        // would leave that place unwritten while the command says it wrote.
        Err(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            let to = std::fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
            let to = crate::printable::one_line(&to);
            Err(refuse(
                flag,
                path,
                &format!("it is a symbolic link to `{to}`, which does not exist; create that file, or give its path"),
            ))
        }
        Err(_) => {
            let folder = folder_of(path);
            if std::fs::metadata(&folder).is_ok_and(|m| m.is_dir()) {
                probe(flag, path, &folder)
            } else {
                let folder = crate::printable::one_line(&folder.display().to_string());
                Err(refuse(flag, path, &format!("the folder `{folder}` does not exist")))
            }
        }
    }
}

/// The folder `path` is in (`.` for a bare name).
fn folder_of(path: &Path) -> std::path::PathBuf {
    match path.parent() {
        Some(f) if !f.as_os_str().is_empty() => f.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    }
}

/// Checks that a file can be made in `folder`, where the output of `path`
/// is staged before it replaces `path`, by making an empty file there and
/// removing it: a folder without write permission, or on a read-only
/// file system, is found before any work (exit 2), not after it (exit 3).
fn probe<'a>(flag: &str, path: &'a Path, folder: &Path) -> Result<Output<'a>, Failure> {
    let name = format!(".blastgate-probe-{}.tmp", std::process::id());
    let trial = folder.join(name);
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&trial) {
        Ok(file) => {
            drop(file);
            let _ = std::fs::remove_file(&trial);
            Ok(Output::File(path))
        }
        // Left by an earlier process of this id: the folder took a file.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Output::File(path)),
        Err(e) => {
            let shown = crate::printable::one_line(&folder.display().to_string());
            Err(refuse(flag, path, &format!("no file can be made in the folder `{shown}`: {e}")))
        }
    }
}

/// Whether `path` is `-` or names the file (terminal, pipe, regular file)
/// this process's standard output is: the same device and inode.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-" || names_stdout(path)
}

#[cfg(unix)]
fn names_stdout(path: &Path) -> bool {
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::MetadataExt as _;
    let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() else { return false };
    match (std::fs::File::from(fd).metadata(), std::fs::metadata(path)) {
        (Ok(out), Ok(named)) => out.dev() == named.dev() && out.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn names_stdout(_: &Path) -> bool {
    false
}

/// `flag`'s `path` cannot be written, for reason `why`.
fn refuse(flag: &str, path: &Path, why: &str) -> Failure {
    Failure::Usage(format!(
        "cannot write `{}` ({flag}): {why}",
        crate::printable::one_line(&path.display().to_string())
    ))
}

/// Whether writing `out` would destroy the input `input`: both name one
/// existing regular file (through `./`, `..`, symbolic links or, on Unix,
/// hard links). A terminal or pipe that both name is not a file writing
/// would destroy. An input `-` is standard input: it is `out` when
/// standard input is redirected from the file `out` names
/// (`--out graph.edges < graph.edges`).
pub fn same_file(out: &Path, input: &Path) -> bool {
    if input.as_os_str() == "-" {
        return stdin_is(out);
    }
    if !std::fs::metadata(input).is_ok_and(|m| m.is_file()) {
        return false;
    }
    identical(out, input)
}

/// Whether standard input is read from the regular file `path` names.
#[cfg(unix)]
fn stdin_is(path: &Path) -> bool {
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::MetadataExt as _;
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else { return false };
    match (std::fs::File::from(fd).metadata(), std::fs::metadata(path)) {
        (Ok(input), Ok(named)) => input.is_file() && input.dev() == named.dev() && input.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn stdin_is(_: &Path) -> bool {
    false
}

/// Whether `a` and `b` name one file, existing or to be created: one file
/// on disk (as [`same_file`] finds it, any kind of file), or the same name
/// in the same folder. Two outputs of one command that would land in one
/// file are refused with this before either is written.
pub fn same_place(a: &Path, b: &Path) -> bool {
    if identical(a, b) {
        return true;
    }
    match (place(a), place(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The canonical path of `path`, or of its folder joined with its name
/// when it does not exist yet.
fn place(path: &Path) -> Option<std::path::PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(f) if !f.as_os_str().is_empty() => f,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(folder).ok()?.join(name))
}

/// Whether `a` and `b` both exist and are one file.
fn identical(a: &Path, b: &Path) -> bool {
    if let (Ok(x), Ok(y)) = (std::fs::canonicalize(a), std::fs::canonicalize(b))
        && x == y
    {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    false
}

/// The refusal of `flag`'s `out` when it is `input` (`what`: "graph",
/// "history", "policy").
pub fn refuse_input(flag: &str, out: &Path, what: &str) -> Failure {
    Failure::Usage(format!(
        "{flag} {}: that is the {what} file, an input, which writing would destroy; give another path",
        crate::printable::one_line(&out.display().to_string())
    ))
}
