//! Writing files that other processes read (snapshots, model files): a
//! regular file is replaced whole, never rewritten in place, so a reader
//! sees the old file or the new one, never half of one, and a failed write
//! leaves the old one as it was.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Where a write to a path goes.
pub(crate) enum Destination {
    /// A regular file, new or existing (through a symbolic link, the file
    /// it points to): written to a staging file beside it, synced, then
    /// renamed over `target` by [`Staged::commit`]. `permissions`: an
    /// existing target's, which the staging file takes before it is
    /// written, so the file replaced keeps them (not the umask's default).
    Replace { target: PathBuf, permissions: Option<std::fs::Permissions> },
    /// Anything else that is not a directory (a pipe, `/dev/stdout`): no
    /// file to replace, so written into as it is.
    Stream(PathBuf),
}

/// Where a write to `path` goes.
///
/// # Errors
/// `path` is a directory or a read-only file, or a link to a file cannot
/// be followed.
pub(crate) fn destination(path: &Path) -> io::Result<Destination> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a directory")),
        Ok(m) if !m.is_file() => Ok(Destination::Stream(path.to_path_buf())),
        // Its owner protected it: a rename needs only the folder's
        // permission (and root writes anything), so replacing it would
        // undo that protection silently.
        Ok(m) if m.permissions().readonly() => {
            Err(io::Error::new(io::ErrorKind::PermissionDenied, "the file is read-only"))
        }
        Ok(m) => {
            let target = std::fs::canonicalize(path)?;
            Ok(Destination::Replace { target, permissions: Some(m.permissions()) })
        }
        // A link to nothing: like `cp`, no writing through it (replacing
        // the link with a file would leave the place it names unwritten).
        Err(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => Err(io::Error::new(
            io::ErrorKind::NotFound,
            "it is a symbolic link to a file that does not exist; create that file, or give its path",
        )),
        Err(_) => Ok(Destination::Replace { target: path.to_path_buf(), permissions: None }),
    }
}

/// Whether `a` and `b` name the same file, existing or to be created:
/// the same file on disk (through links and `.`/`..`), or the same name in
/// the same folder. Two outputs of one command that would land in one file
/// are refused with this before either is written.
pub(crate) fn same_place(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    match (place(a), place(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The canonical path of `path`, or of its folder joined with its name when
/// it does not exist yet.
fn place(path: &Path) -> Option<PathBuf> {
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

/// A new hidden file beside `target` (`.NAME.XXXXXX.blastgate.tmp`), with
/// a random name, created only if nothing has that name (so it follows no
/// link and opens no pipe that someone put there: a predictable name did,
/// and a planted link made `--out` overwrite the file it named, an audit);
/// removed when dropped. A new file gets the umask's default permissions,
/// as a file `create`d would.
fn staging(target: &Path) -> io::Result<tempfile::NamedTempFile> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let folder = match target.parent() {
        Some(f) if !f.as_os_str().is_empty() => f,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".blastgate.tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(folder)
}

/// A file written for a [`Destination`], not yet in place.
pub(crate) struct Staged {
    /// `(staging, target)` for a file to rename (the staging file is
    /// removed when dropped); `None` for a stream.
    rename: Option<(tempfile::TempPath, PathBuf)>,
}

impl Staged {
    /// Writes the destination with `write`: a file to replace is written to
    /// its staging file and synced (left there until [`Staged::commit`]);
    /// a stream is written into at once. On an error the staging file is
    /// removed.
    pub(crate) fn write<E>(
        destination: Destination,
        write: impl FnOnce(&mut File) -> Result<(), E>,
        io_error: impl Fn(io::Error) -> E,
    ) -> Result<Self, E> {
        match destination {
            Destination::Stream(path) => {
                let mut file = std::fs::OpenOptions::new().write(true).open(path).map_err(&io_error)?;
                write(&mut file)?;
                Ok(Self { rename: None })
            }
            Destination::Replace { target, permissions } => {
                let mut staged = staging(&target)
                    .and_then(|file| match permissions {
                        Some(p) => file.as_file().set_permissions(p).map(|()| file),
                        None => Ok(file),
                    })
                    .map_err(&io_error)?;
                // On an error `staged` is dropped, which removes it.
                write(staged.as_file_mut())?;
                staged.as_file().sync_all().map_err(&io_error)?;
                Ok(Self { rename: Some((staged.into_temp_path(), target)) })
            }
        }
    }

    /// Puts the file in place (renames the staging file over its target).
    ///
    /// # Errors
    /// The rename failed; the staging file is removed.
    pub(crate) fn commit(self) -> io::Result<()> {
        let Some((staging, target)) = self.rename else { return Ok(()) };
        // On an error the staging file comes back in it and is dropped.
        staging.persist(target).map_err(|e| e.error)
    }

    /// Removes the staging file (for all-or-nothing writes of several
    /// files, when a later one failed).
    pub(crate) fn abandon(self) {
        // Dropping the staging file removes it.
        drop(self.rename);
    }
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "test code: a panic is a failed test")]

    use std::os::unix::fs::PermissionsExt as _;

    use super::{Staged, destination};

    fn write(path: &std::path::Path, text: &str) -> std::io::Result<()> {
        let staged = Staged::write(destination(path)?, |f| std::io::Write::write_all(f, text.as_bytes()), |e| e)?;
        staged.commit()
    }

    /// A file replaced keeps its permissions (it took the umask's default,
    /// so a private 0600 file became world-readable); a read-only one is
    /// refused and left as it was, also for root, who could write it.
    #[test]
    fn replacing_keeps_permissions_and_refuses_read_only_files() {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("private");
        std::fs::write(&private, "old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write(&private, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&private).unwrap(), "new");
        assert_eq!(std::fs::metadata(&private).unwrap().permissions().mode() & 0o7777, 0o600);

        let protected = dir.path().join("protected");
        std::fs::write(&protected, "old").unwrap();
        std::fs::set_permissions(&protected, std::fs::Permissions::from_mode(0o400)).unwrap();
        let Err(e) = write(&protected, "new") else { panic!("a read-only file was replaced") };
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
        assert_eq!(std::fs::read_to_string(&protected).unwrap(), "old");
        assert_eq!(std::fs::metadata(&protected).unwrap().permissions().mode() & 0o7777, 0o400);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no staging file is left");
    }

    /// The staging file is new and randomly named, never opened through
    /// what is already there (a predictable name let a planted link make
    /// `--out` overwrite the file it named: an audit). A new file gets the
    /// permissions a created one would; a failed write leaves nothing.
    #[test]
    fn staging_files_are_new_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        // Every name the old scheme could pick for this process.
        let planted = dir.path().join(format!(".out.blastgate-{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let out = dir.path().join("out");
        write(&out, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        assert!(!std::fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
        let created = dir.path().join("created");
        drop(std::fs::File::create(&created).unwrap());
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&out), mode(&created));
        let failed = Staged::write(destination(&dir.path().join("failed")).unwrap(), |_| Err(()), |_| ());
        assert!(failed.is_err());
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        let old = planted.file_name().unwrap().to_str().unwrap().to_owned();
        assert_eq!(names, [old, "created".to_owned(), "out".to_owned(), "victim".to_owned()]);
        // An abandoned write leaves nothing either.
        let staged = Staged::write(destination(&dir.path().join("later")).unwrap(), |_| Ok::<(), ()>(()), |_| ());
        staged.unwrap().abandon();
        assert!(!dir.path().join("later").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
    }
}
