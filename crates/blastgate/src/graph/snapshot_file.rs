//! Reading and writing snapshot files: the file I/O around
//! [`FrozenGraph::read_snapshot`] and [`FrozenGraph::write_snapshot`].

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use blastgate_graph::snapshot::SnapshotSource;
use blastgate_graph::{ErrorDetail, FrozenGraph, GraphError};

use crate::output::Staged;

/// A file read at offsets, from several threads at once.
struct FileSource {
    #[cfg(unix)]
    file: File,
    #[cfg(not(unix))]
    file: std::sync::Mutex<File>,
    len: u64,
}

impl SnapshotSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    #[cfg(unix)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, offset)
    }

    #[cfg(not(unix))]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom};
        let mut file = self.file.lock().map_err(|_| std::io::Error::other("a reader panicked"))?;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

/// Reads the snapshot in `file` (opened, named `name`): sections go
/// straight from the file into the graph's arrays, on rayon's threads.
pub(super) fn read(name: &str, file: File) -> Result<FrozenGraph, GraphError> {
    let len = file.metadata().map_err(|e| io_error(name, "cannot read", &e))?.len();
    #[cfg(unix)]
    let source = FileSource { file, len };
    #[cfg(not(unix))]
    let source = FileSource { file: std::sync::Mutex::new(file), len };
    FrozenGraph::read_snapshot(name, &source)
}

/// Up to the first 8 bytes of `file` (fewer if it is shorter), then
/// rewinds it.
pub(super) fn head(name: &str, file: &mut File) -> Result<Vec<u8>, GraphError> {
    let mut head = Vec::with_capacity(8);
    Read::by_ref(file).take(8).read_to_end(&mut head).map_err(|e| io_error(name, "cannot read", &e))?;
    std::io::Seek::rewind(file).map_err(|e| io_error(name, "cannot read", &e))?;
    Ok(head)
}

/// Writes `graph` as a snapshot to `path`. A regular file (new, or the
/// one a symbolic link points to) is replaced atomically: the snapshot
/// goes to a temporary file beside it, is synced, then renamed over it, so
/// a gate reading the snapshot while it is rewritten reads the old file or
/// the new one, never half of one, and a failed write leaves it as it was.
/// The new file keeps a replaced file's permissions, and a read-only file
/// is refused. Anything else that is not a directory (`/dev/stdout`, a
/// pipe) is written into.
///
/// Returns the number of bytes written (the size of the snapshot, also
/// when `path` is a pipe, whose size on disk says nothing).
///
/// # Errors
/// [`GraphError::Io`] if the file cannot be created or written, or `path`
/// is a directory or a read-only file.
pub fn write_snapshot(graph: &FrozenGraph, path: &Path) -> Result<u64, GraphError> {
    let name = path.display().to_string();
    let destination = crate::output::destination(path).map_err(|e| io_error(&name, "cannot create", &e))?;
    let mut written = 0;
    let write = |file: &mut File| {
        written = write_snapshot_to(graph, file).map_err(|e| io_error(&name, "cannot write", &e))?;
        Ok(())
    };
    let staged = Staged::write(destination, write, |e| io_error(&name, "cannot write", &e))?;
    staged.commit().map_err(|e| io_error(&name, "cannot write", &e))?;
    Ok(written)
}

/// Writes `graph` as a snapshot to `out` (buffered here), flushed, and
/// returns the number of bytes written: for a stream such as standard
/// output, where there is no file to replace.
///
/// # Errors
/// Any error of `out`.
pub fn write_snapshot_to(graph: &FrozenGraph, out: impl Write) -> std::io::Result<u64> {
    let mut out = Counted { inner: BufWriter::with_capacity(1 << 20, out), bytes: 0 };
    graph.write_snapshot(&mut out)?;
    out.flush()?;
    Ok(out.bytes)
}

/// A writer that counts the bytes it passes on.
struct Counted<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn io_error(name: &str, what: &str, e: &std::io::Error) -> GraphError {
    GraphError::Io(ErrorDetail::new(name, "", "", format!("{what} the snapshot: {e}")))
}
