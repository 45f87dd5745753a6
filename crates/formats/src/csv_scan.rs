//! A small RFC 4180 scanner built for speed: the input is cut into blocks at record boundaries (a newline
//! outside quotes), so blocks can be parsed on several cores and written back in order.

use std::borrow::Cow;
use std::io::Read;

/// Reads a stream as blocks of whole records.
pub struct BlockReader<R> {
    inner: R,
    /// Bytes read but not yet handed out; always starts at a record boundary.
    carry: Vec<u8>,
    block_size: usize,
    eof: bool,
    /// Blocks handed back by their users, refilled instead of allocating: a fresh allocation of a block's size
    /// is fresh pages, each faulted in and zeroed by the kernel.
    spare: Vec<Vec<u8>>,
    /// Bytes of the input handed out in blocks so far.
    handed_out: u64,
    /// Whether the first line's ending has been looked at.
    endings_checked: bool,
}

/// Why the block reader refused its input; carried inside the `std::io::Error` it returns, so every caller's
/// `CsvError::io` turns it back into its own kind.
#[derive(Debug)]
pub struct Refusal {
    pub kind: crate::error::CsvErrorKind,
    pub row: Option<u64>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.kind)
    }
}

impl std::error::Error for Refusal {}

fn refuse(kind: crate::error::CsvErrorKind, row: Option<u64>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, Refusal { kind, row })
}

/// Whether the first line ends in a bare CR. Such a file has no LF at all as far as the cutter and the
/// scanner can see, so it would be read as one record; refusing it names the real problem.
pub fn first_line_ends_in_cr(buf: &[u8]) -> bool {
    match memchr::memchr2(b'\r', b'\n', buf) {
        Some(i) => buf[i] == b'\r' && buf.get(i + 1).is_some_and(|&b| b != b'\n'),
        None => false,
    }
}

impl<R: Read> BlockReader<R> {
    pub fn new(inner: R, block_size: usize) -> BlockReader<R> {
        BlockReader {
            inner,
            carry: Vec::new(),
            block_size,
            eof: false,
            spare: Vec::new(),
            handed_out: 0,
            endings_checked: false,
        }
    }

    /// Where in the input the next block starts: the bytes handed out in blocks so far.
    pub fn position(&self) -> u64 {
        self.handed_out
    }

    /// Hands a finished block back to be refilled.
    pub fn recycle(&mut self, block: Vec<u8>) {
        if self.spare.len() < 8 {
            self.spare.push(block);
        }
    }

    /// The next block: about `block_size` bytes cut at the last record boundary, or the rest of the input.
    pub fn next_block(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if !self.eof && self.carry.len() < self.block_size {
                // Read into the spare capacity through `Take`, which fills it without zeroing it first.
                let want = self.block_size - self.carry.len();
                self.carry.reserve(want + BLOCK_SLACK);
                let before = self.carry.len();
                // `read_to_end` retries an interrupted read itself.
                (&mut self.inner)
                    .take(want as u64)
                    .read_to_end(&mut self.carry)?;
                let got = self.carry.len() - before;
                if got < want {
                    self.eof = true;
                }
            }
            if self.carry.is_empty() {
                return Ok(None);
            }
            // Decided at the first line ending, which a small block may not reach yet.
            if !self.endings_checked
                && (self.eof
                    || memchr::memchr2(
                        b'\r',
                        b'\n',
                        &self.carry[..self.carry.len().saturating_sub(1)],
                    )
                    .is_some())
            {
                self.endings_checked = true;
                if first_line_ends_in_cr(&self.carry) {
                    return Err(refuse(crate::error::CsvErrorKind::CrLineEndings, Some(1)));
                }
            }
            if self.eof {
                self.handed_out += self.carry.len() as u64;
                return Ok(Some(std::mem::take(&mut self.carry)));
            }
            match last_boundary(&self.carry) {
                Some(end) => {
                    let rest = match self.spare.pop() {
                        Some(mut spare) => {
                            spare.clear();
                            spare.extend_from_slice(&self.carry[end..]);
                            self.carry.truncate(end);
                            spare
                        }
                        None => self.carry.split_off(end),
                    };
                    let block = std::mem::replace(&mut self.carry, rest);
                    self.handed_out += block.len() as u64;
                    return Ok(Some(block));
                }
                // One record longer than a block: read more, up to the limit on one record, so a
                // 10 MB field or a quote never closed is refused after a megabyte, not buffered whole.
                None if self.carry.len() as u64 > crate::limits::MAX_CSV_RECORD_BYTES => {
                    return Err(refuse(
                        crate::error::CsvErrorKind::Limit(crate::limits::Limit::CsvRecordBytes),
                        None,
                    ));
                }
                None => self.block_size *= 2,
            }
        }
    }
}

/// A source of numbered blocks of whole lines that threads can share with no lock: each call gives the next
/// block not yet taken.
pub trait SharedBlocks: Sync {
    fn next(&self, buf: &mut Vec<u8>) -> std::io::Result<Positioned>;
}

/// What `SharedBlocks::next` found.
pub enum Positioned {
    /// Block `index` is in the buffer from `begin` on (empty when no line starts in its stretch). The bytes
    /// before `begin` are the end of an earlier block's line, left there rather than moved out.
    Block {
        index: u64,
        begin: usize,
    },
    /// The cut may be wrong — a block holds a quote, which could hide a line break, or the file changed size
    /// while it was read: the caller reads the file in order instead.
    InOrder,
    Done,
}

/// Bytes kept free after a block's end, for a reader that pads the block while it reads it.
pub const BLOCK_SLACK: usize = 16;

/// Blocks of whole lines cut from a file by position, so that several threads each read their own with no
/// lock between them and no copy but the kernel's. A line starts at `start` or after a `\n`; block i holds
/// the lines that start in its stretch `[start + i·size, start + (i+1)·size)`. Unix only: reading by
/// position elsewhere moves the file's offset, which a caller going back to reading in order relies on.
#[cfg(unix)]
pub struct PositionalBlocks {
    file: std::fs::File,
    start: u64,
    end: u64,
    size: u64,
    next: std::sync::atomic::AtomicU64,
}

#[cfg(unix)]
impl PositionalBlocks {
    /// Blocks of about `size` bytes from `start` to the file's end as it is now; `None` when its length
    /// cannot be read.
    pub fn new(file: std::fs::File, start: u64, size: u64) -> Option<PositionalBlocks> {
        let end = file.metadata().ok()?.len();
        Some(PositionalBlocks {
            file,
            start,
            end,
            size: size.max(1),
            next: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Appends `len` bytes read at `offset` to `buf`, with room for `BLOCK_SLACK` more; `false` when the
    /// file is shorter than it was.
    fn append_at(&self, buf: &mut Vec<u8>, offset: u64, len: usize) -> std::io::Result<bool> {
        use std::os::unix::fs::FileExt;
        let old = buf.len();
        buf.reserve(len + BLOCK_SLACK);
        // Only the bytes past the buffer's length are zeroed, and a reused buffer has few.
        buf.resize(old + len, 0);
        match self.file.read_exact_at(&mut buf[old..], offset) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Whether the file now holds bytes past the end it had when the blocks were planned.
    fn grew(&self) -> std::io::Result<bool> {
        use std::os::unix::fs::FileExt;
        let mut probe = [0u8; 1];
        Ok(self.file.read_at(&mut probe, self.end)? > 0)
    }
}

#[cfg(unix)]
impl SharedBlocks for PositionalBlocks {
    fn next(&self, buf: &mut Vec<u8>) -> std::io::Result<Positioned> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let s = self.start + i * self.size;
        if s >= self.end {
            return Ok(Positioned::Done);
        }
        let e = (s + self.size).min(self.end);
        // The stretch, from the byte before it, which tells whether a line starts at its first byte.
        let from = if s == self.start { s } else { s - 1 };
        buf.clear();
        if !self.append_at(buf, from, (e - from) as usize)? {
            return Ok(Positioned::InOrder);
        }
        let begin = if s == self.start {
            0
        } else {
            memchr::memchr(b'\n', buf).map_or(buf.len(), |k| k + 1)
        };
        // No line starts in the stretch (it lies inside a long line): nothing more to read.
        if begin >= buf.len() {
            buf.clear();
            return Ok(Positioned::Block { index: i, begin: 0 });
        }
        // The last line goes on to its line break, at or after the stretch's last byte.
        let mut searched = buf.len() - 1;
        let mut more = (self.size / 8).max(64);
        let end = loop {
            if let Some(k) = memchr::memchr(b'\n', &buf[searched..]) {
                break searched + k + 1;
            }
            let read = from + buf.len() as u64;
            if read >= self.end {
                break buf.len();
            }
            searched = buf.len();
            // A line this long is refused by the reader in order, which names it.
            if (buf.len() - begin) as u64 > crate::limits::MAX_CSV_RECORD_BYTES {
                return Ok(Positioned::InOrder);
            }
            let len = more.min(self.end - read);
            if !self.append_at(buf, read, len as usize)? {
                return Ok(Positioned::InOrder);
            }
            more *= 2;
        };
        if end == buf.len() && from + end as u64 == self.end && self.grew()? {
            return Ok(Positioned::InOrder);
        }
        if has_quote(&buf[begin..end]) {
            return Ok(Positioned::InOrder);
        }
        buf.truncate(end);
        Ok(Positioned::Block { index: i, begin })
    }
}

/// Whether a block holds a quote anywhere: without one, every field is plain and split on bytes.
pub fn has_quote(block: &[u8]) -> bool {
    memchr::memchr(b'"', block).is_some()
}

/// The index just past the last newline that lies outside quotes, if any. A block always starts at a record
/// boundary, so the state from its start is exact. Quotes are read as the scanner reads them: a quote opens
/// a quoted field only at the start of a field; inside one, a doubled quote is a quote and a single one
/// closes it; elsewhere (`12" screen`) a quote is text and changes nothing.
pub fn last_boundary(buf: &[u8]) -> Option<usize> {
    if !has_quote(buf) {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut in_quotes = false;
    let mut escaped_at = None;
    let mut last = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'\n' {
            if !in_quotes {
                last = Some(i + 1);
            }
        } else if escaped_at == Some(i) {
            // The second quote of a doubled pair.
        } else if in_quotes {
            if buf.get(i + 1) == Some(&b'"') {
                escaped_at = Some(i + 1);
            } else {
                in_quotes = false;
            }
        } else if i == 0 || buf[i - 1] == b',' || buf[i - 1] == b'\n' {
            in_quotes = true;
        }
    }
    last
}

/// One field of a record: its text (unescaped when it was quoted) and where the scanner goes next.
pub enum FieldEnd {
    /// A comma follows: more fields in this record.
    Comma,
    /// The record ends (newline or end of block).
    Record,
}

/// Scans fields from a block. `pos` is advanced past the field and its delimiter.
pub struct Scanner<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
}

/// A quoted field that is never closed.
#[derive(Debug)]
pub struct Unterminated;

impl<'a> Scanner<'a> {
    pub fn new(buf: &'a [u8]) -> Scanner<'a> {
        Scanner { buf, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// The next field. Unquoted fields are borrowed; a trailing `\r` before the newline is dropped.
    #[inline]
    pub fn field(&mut self) -> Result<(Cow<'a, [u8]>, FieldEnd), Unterminated> {
        let buf = self.buf;
        let start = self.pos;
        // Most fields of a classification file are one character (0/1 flags): answer those at once.
        if let (Some(&c), Some(&d)) = (buf.get(start), buf.get(start + 1))
            && c != b'"'
            && c != b','
            && c != b'\n'
        {
            if d == b',' {
                self.pos = start + 2;
                return Ok((Cow::Borrowed(&buf[start..start + 1]), FieldEnd::Comma));
            }
            if d == b'\n' {
                self.pos = start + 2;
                let end = if c == b'\r' { start } else { start + 1 };
                return Ok((Cow::Borrowed(&buf[start..end]), FieldEnd::Record));
            }
        }
        if buf.get(start) == Some(&b'"') {
            return self.quoted();
        }
        let mut i = start;
        while i < buf.len() {
            match buf[i] {
                b',' => {
                    self.pos = i + 1;
                    return Ok((Cow::Borrowed(&buf[start..i]), FieldEnd::Comma));
                }
                b'\n' => {
                    self.pos = i + 1;
                    let end = if i > start && buf[i - 1] == b'\r' {
                        i - 1
                    } else {
                        i
                    };
                    return Ok((Cow::Borrowed(&buf[start..end]), FieldEnd::Record));
                }
                _ => i += 1,
            }
        }
        self.pos = buf.len();
        let end = if i > start && buf[i - 1] == b'\r' {
            i - 1
        } else {
            i
        };
        Ok((Cow::Borrowed(&buf[start..end]), FieldEnd::Record))
    }

    fn quoted(&mut self) -> Result<(Cow<'a, [u8]>, FieldEnd), Unterminated> {
        let buf = self.buf;
        let mut out: Option<Vec<u8>> = None;
        let mut seg = self.pos + 1;
        let mut i = seg;
        loop {
            let Some(q) = memchr::memchr(b'"', &buf[i..]) else {
                return Err(Unterminated);
            };
            let q = i + q;
            if buf.get(q + 1) == Some(&b'"') {
                let o = out.get_or_insert_with(Vec::new);
                o.extend_from_slice(&buf[seg..=q]);
                i = q + 2;
                seg = i;
                continue;
            }
            let text: Cow<'a, [u8]> = match out {
                Some(mut o) => {
                    o.extend_from_slice(&buf[seg..q]);
                    Cow::Owned(o)
                }
                None => Cow::Borrowed(&buf[seg..q]),
            };
            // After the closing quote: a delimiter, the end, or (leniently) spaces and a carriage return.
            let mut j = q + 1;
            while j < buf.len() && (buf[j] == b' ' || buf[j] == b'\r') {
                j += 1;
            }
            return match buf.get(j) {
                Some(b',') => {
                    self.pos = j + 1;
                    Ok((text, FieldEnd::Comma))
                }
                Some(b'\n') => {
                    self.pos = j + 1;
                    Ok((text, FieldEnd::Record))
                }
                None => {
                    self.pos = j;
                    Ok((text, FieldEnd::Record))
                }
                // Text after a closing quote: treat the quote as unbalanced.
                Some(_) => Err(Unterminated),
            };
        }
    }

    /// Skips to the start of the next record (used after an error to find the row of a later problem).
    pub fn skip_record(&mut self) {
        while !self.at_end() {
            match self.field() {
                Ok((_, FieldEnd::Record)) => return,
                Ok(_) => {}
                Err(_) => {
                    self.pos = self.buf.len();
                }
            }
        }
    }
}

/// Writes a field, quoting it when it holds a delimiter, a quote or a line break.
pub fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        push_quoted(out, field);
    } else {
        out.extend_from_slice(field);
    }
}

/// Writes a text field: as `push_field`, after a `'` when a spreadsheet would run it as a formula (CSV
/// injection: `=HYPERLINK(…)` in a name must not become a link when an officer opens the export).
pub fn push_text_field(out: &mut Vec<u8>, field: &[u8]) {
    if giamngheo_core::text::csv_formula_risk(field) {
        let mut safe = Vec::with_capacity(field.len() + 1);
        safe.push(b'\'');
        safe.extend_from_slice(field);
        push_field(out, &safe);
    } else {
        push_field(out, field);
    }
}

/// Writes a field in quotes, doubling any quote inside.
pub fn push_quoted(out: &mut Vec<u8>, field: &[u8]) {
    out.push(b'"');
    if memchr::memchr(b'"', field).is_none() {
        out.extend_from_slice(field);
    } else {
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
    }
    out.push(b'"');
}
