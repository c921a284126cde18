//! The files a command writes (`--out`, `--plot`), checked against its
//! inputs before any work starts: a command that would replace one of its
//! own inputs is refused (exit 2) with nothing done.

use std::path::Path;

/// Whether writing `out` would destroy the input `input`: both name one
/// existing regular file (through `./`, `..`, symbolic links or, on Unix,
/// hard links). A terminal or pipe that both name is not a file writing
/// would destroy, and an input `-` is standard input, not a file named
/// `-`.
pub fn same_file(out: &Path, input: &Path) -> bool {
    if input.as_os_str() == "-" || !std::fs::metadata(input).is_ok_and(|m| m.is_file()) {
        return false;
    }
    identical(out, input)
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
pub fn refuse_input(flag: &str, out: &Path, what: &str) -> crate::exit::Failure {
    crate::exit::Failure::Usage(format!(
        "{flag} {}: that is the {what} file, an input, which writing would destroy; give another path",
        crate::printable::one_line(&out.display().to_string())
    ))
}
