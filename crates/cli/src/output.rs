//! Output that is all or nothing: a file is written under a temporary name beside its destination and
//! renamed into place only when the whole run succeeded.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::errors::CliError;

pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<AtomicFile, CliError> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let tmp = dest.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|error| CliError::File {
            path: tmp.display().to_string(),
            error,
        })?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_owned(),
            file: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("the file is open until commit")
    }

    /// The file itself, for writers that write at offsets (nothing may be buffered in the writer).
    pub fn file(&mut self) -> &File {
        self.writer().get_ref()
    }

    /// The temporary path, for writers that need a path rather than a stream.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Another writer wrote the whole file at [`Self::path`]: rename it into place.
    pub fn commit_written(mut self) -> Result<(), CliError> {
        self.file.take();
        std::fs::rename(&self.tmp, &self.dest).map_err(|error| CliError::File {
            path: self.dest.display().to_string(),
            error,
        })
    }

    /// Flushes and renames into place. No fsync: these are derived files, made again by running the command
    /// again, and syncing a 1.5 GB result costs more than computing it. The rename guarantees that the name
    /// never shows a file the program left half-written; the registry itself (SQLite, PostgreSQL) is durable.
    pub fn commit(mut self) -> Result<(), CliError> {
        let fail = |error, path: &Path| CliError::File {
            path: path.display().to_string(),
            error,
        };
        if let Some(w) = self.file.take() {
            w.into_inner()
                .map_err(|e| fail(e.into_error(), &self.tmp))?;
        }
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| fail(e, &self.dest))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed (or committed and renamed already, when removing finds nothing): remove the partial file.
        self.file.take();
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Standard output with a large buffer; a closed pipe ends the run quietly.
pub fn stdout() -> BufWriter<std::io::StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 20, std::io::stdout().lock())
}
