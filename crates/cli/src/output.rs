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

/// Writes `bytes` as the whole file at `dest`, all or nothing (through an [`AtomicFile`]).
pub fn write_file(dest: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut out = AtomicFile::create(dest)?;
    std::io::Write::write_all(out.writer(), bytes).map_err(|error| CliError::File {
        path: dest.display().to_string(),
        error,
    })?;
    out.commit()
}

/// Standard output with a large buffer; a closed pipe ends the run quietly.
pub fn stdout() -> BufWriter<std::io::StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 20, std::io::stdout().lock())
}

/// The bytes of a file given on the command line, read only up to `max` (`shown`: the limit in words, as
/// "512 MB") and refused as bad input (exit 2) when it is larger.
pub fn read_limited(path: &Path, max: u64, shown_max: &str) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|error| CliError::File {
        path: shown.clone(),
        error,
    })?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| CliError::File {
            path: shown.clone(),
            error,
        })?;
    if bytes.len() as u64 > max {
        return Err(CliError::Input {
            path: shown,
            vi: format!("tệp lớn hơn {shown_max}"),
            en: format!("the file is larger than {shown_max}"),
        });
    }
    Ok(bytes)
}

/// One line of standard input (a password given with `--password-stdin`), without its line end.
pub fn read_stdin_line() -> Result<String, CliError> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| CliError::File {
            path: "<stdin>".into(),
            error,
        })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A small text file given on the command line (a standard, an MPI specification, a score table, a
/// household's facts): read only up to the limit, and refused as bad input (exit 2) when it is larger or
/// not UTF-8, rather than failing as if the machine could not read it.
pub fn read_text_file(path: &Path) -> Result<String, CliError> {
    use giamngheo_formats::limits::{Limit, MAX_TOML_BYTES, human_bytes};
    let shown = path.display().to_string();
    let bytes = read_limited(path, MAX_TOML_BYTES, &human_bytes(Limit::TomlBytes.max()))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        CliError::Input {
            path: shown,
            vi: format!(
                "dòng {line}: tệp không phải mã UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258); hãy lưu lại bằng UTF-8"
            ),
            en: format!(
                "line {line}: the file is not UTF-8 (perhaps TCVN3, VNI or Windows-1258); save it again as UTF-8"
            ),
        }
    })
}

/// Writes one line of a command's report to standard output. A reader that went away (`| head`) ends the
/// command quietly with exit 0 through `CliError::BrokenPipe`, where `println!` would panic.
pub fn write_out(args: std::fmt::Arguments<'_>, newline: bool) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let r = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    r.map_err(|error| {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::File {
                path: "<stdout>".into(),
                error,
            }
        }
    })
}

/// `println!` that ends quietly on a closed pipe (see `write_out`); used with `?` semantics built in.
macro_rules! outln {
    () => {
        $crate::output::write_out(format_args!(""), true)?
    };
    ($($t:tt)*) => {
        $crate::output::write_out(format_args!($($t)*), true)?
    };
}

/// `print!` that ends quietly on a closed pipe.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::output::write_out(format_args!($($t)*), false)?
    };
}

pub(crate) use {out, outln};
