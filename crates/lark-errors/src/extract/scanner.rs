//! [`Scanner`](super::Scanner): codes in a stream of any size, in constant memory.

use std::collections::HashSet;
use std::io::{self, Read};

use memchr::memmem;

use super::buffer::{BACK_CONTEXT, LineBuffer, Window};
use super::key::{Keys, code_at};
use super::time::{Timestamp, line_timestamp};
use super::{Msg, count_newlines, counts};

/// A code found by a [`Scanner`](super::Scanner) in a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a> {
    /// The code.
    pub code: u32,
    /// The 1-based line it is on.
    pub line: u64,
    /// Byte offset of its key in the stream.
    pub offset: u64,
    /// Its msg, if one was found.
    pub msg: Option<Msg<'a>>,
    /// The line's timestamp, if it has one.
    pub time: Option<Timestamp>,
}

/// What a [`Scanner::scan`] read.
#[derive(Debug, Default)]
pub struct Summary {
    /// Bytes read.
    pub bytes: u64,
    /// Lines scanned (a last line without a newline counts).
    pub lines: u64,
    /// Codes reported.
    pub hits: u64,
    /// Offset of the first NUL byte, where the input was taken for binary and the rest
    /// of it skipped.
    pub binary_at: Option<u64>,
    /// The read error that ended the scan early, if one did.
    pub error: Option<io::Error>,
}

/// The default chunk size: small enough that a chunk stays in the L2 cache across the
/// passes over it (binary check, key search, newline count).
pub(super) const DEFAULT_CHUNK: usize = 256 * 1024;
/// The smallest chunk size allowed.
pub(super) const MIN_CHUNK: usize = 16 * 1024;

/// Finds Feishu error codes in a stream of log text, in constant memory whatever the
/// input size or line length: it reads fixed-size chunks, searches them for `code`
/// keys with a vectorised substring search and looks only at the bytes around each.
/// Lines longer than 64 KiB are scanned through a window. A code repeated on one line
/// is reported once.
///
/// ```
/// use lark_errors::extract::Scanner;
///
/// let log = "2025-03-01 08:00:00 {\"code\":99991400,\"msg\":\"request trigger frequency limit\"}\n\
///            2025-03-01 08:00:01 GET /x code=200\n\
///            2025-03-01 08:00:02 {\"code\":99991663,\"msg\":\"Invalid access token\"} retry code=99991663\n";
/// let mut hits = Vec::new();
/// let summary = Scanner::new().scan(log.as_bytes(), |hit| hits.push((hit.code, hit.line)));
/// assert_eq!(hits, [(99991400, 1), (99991663, 3)]);
/// assert_eq!(summary.lines, 3);
/// assert!(summary.error.is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Scanner {
    lower: memmem::Finder<'static>,
    upper: memmem::Finder<'static>,
    chunk: usize,
    buf: Vec<u8>,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new()
    }
}

/// Where a scan is in its lines: the line count, and what is known of the current line
/// (its timestamp, the codes reported on it).
struct Lines {
    /// The line number at buffer offset `counted`.
    line: u64,
    /// Buffer offset up to which newlines have been counted.
    counted: usize,
    /// Whether the buffer's first byte starts a line.
    starts_line: bool,
    /// The current line's timestamp, once looked for: `(line, timestamp)`.
    time: Option<(u64, Option<Timestamp>)>,
    /// The codes reported on line `seen_line`.
    seen: SeenCodes,
    seen_line: u64,
    hits: u64,
}

/// The codes reported on one line: a short list while the line has few, a hash set
/// past that, so a line with a million codes stays linear.
#[derive(Default)]
struct SeenCodes {
    few: Vec<u32>,
    many: HashSet<u32>,
}

impl SeenCodes {
    const FEW: usize = 16;

    /// Adds `code`; `false` when it was there already.
    fn insert(&mut self, code: u32) -> bool {
        if !self.many.is_empty() {
            return self.many.insert(code);
        }
        if self.few.contains(&code) {
            return false;
        }
        self.few.push(code);
        if self.few.len() > Self::FEW {
            self.many.extend(self.few.drain(..));
        }
        true
    }

    fn clear(&mut self) {
        self.few.clear();
        if !self.many.is_empty() {
            // Dropped, not cleared: clearing costs the set's capacity on every later line.
            self.many = HashSet::new();
        }
    }
}

impl Lines {
    /// Counts the newlines of `buf` up to `to`.
    fn count_to(&mut self, buf: &[u8], to: usize) {
        self.line += count_newlines(&buf[self.counted..to]);
        self.counted = to;
    }

    /// The timestamp of the line that `pos` is on (looked for once per line).
    fn time_at(&mut self, buf: &[u8], pos: usize) -> Option<Timestamp> {
        if let Some((line, time)) = self.time {
            if line == self.line {
                return time;
            }
        }
        let start =
            memchr::memrchr(b'\n', &buf[..pos]).map(|n| n + 1).or(self.starts_line.then_some(0));
        let time = start.and_then(|s| line_timestamp(buf, s));
        self.time = Some((self.line, time));
        time
    }

    /// Whether `code` is new on the current line (and notes it).
    fn first_on_line(&mut self, code: u32) -> bool {
        if self.seen_line != self.line {
            self.seen_line = self.line;
            self.seen.clear();
        }
        self.seen.insert(code)
    }

    /// The buffer dropped `keep` bytes; the new first byte starts a line or not.
    fn rolled(&mut self, keep: usize, starts_line: bool) {
        self.counted -= keep;
        self.starts_line = starts_line;
    }
}

impl Scanner {
    /// A scanner reading 256 KiB chunks.
    pub fn new() -> Scanner {
        Scanner::with_chunk_size(DEFAULT_CHUNK)
    }

    /// A scanner reading chunks of `size` bytes (at least 16 KiB); memory use is about
    /// `size` + 64 KiB.
    pub fn with_chunk_size(size: usize) -> Scanner {
        Scanner {
            lower: memmem::Finder::new(b"code").into_owned(),
            upper: memmem::Finder::new(b"Code").into_owned(),
            chunk: size.max(MIN_CHUNK),
            buf: Vec::new(),
        }
    }

    /// Scans `reader` to its end, calling `on_hit` for each code that [`counts`](super::counts), in
    /// order. Read errors end the scan and are returned in the [`Summary`], as is the
    /// offset of binary data (a NUL byte), where the scan stops; codes found before
    /// either were reported.
    pub fn scan<R: Read, F: FnMut(&Hit<'_>)>(&mut self, mut reader: R, mut on_hit: F) -> Summary {
        let finders = (&self.lower, &self.upper);
        let mut input = LineBuffer::new(&mut self.buf, self.chunk);
        let mut lines = Lines {
            line: 1,
            counted: 0,
            starts_line: true,
            time: None,
            seen: SeenCodes::default(),
            seen_line: 0,
            hits: 0,
        };
        // Where the lines not yet looked at start in the buffer.
        let mut from = 0;
        loop {
            input.fill(&mut reader);
            let Window { end, cut } = input.window(from);
            let buf = input.contents();
            process(finders, buf, (from, end), input.base(), &mut lines, &mut on_hit);
            lines.count_to(buf, end);
            if input.is_eof() {
                break;
            }
            let keep = if cut {
                // The line at `end` goes on: note its timestamp while its start is here.
                lines.time_at(buf, end);
                end - BACK_CONTEXT
            } else {
                end
            };
            input.roll(keep);
            lines.rolled(keep, !cut);
            from = end - keep;
        }
        let unterminated = u64::from(input.bytes > 0 && !input.ended_with_newline());
        Summary {
            bytes: input.bytes,
            lines: if input.bytes == 0 { 0 } else { lines.line - 1 + unterminated },
            hits: lines.hits,
            binary_at: input.binary_at,
            error: input.error,
        }
    }
}

/// Reports the codes whose keys start in `buf[from..end)`, looking at all of `buf`.
fn process<F: FnMut(&Hit<'_>)>(
    (lower, upper): (&memmem::Finder<'_>, &memmem::Finder<'_>),
    buf: &[u8],
    (from, end): (usize, usize),
    base: u64,
    lines: &mut Lines,
    on_hit: &mut F,
) {
    // Keys starting before `end`, whole.
    let hay = &buf[from..buf.len().min(end + 3)];
    for p in Keys::new(lower.find_iter(hay), upper.find_iter(hay)) {
        let key = from + p;
        let Some(found) = code_at(buf, key) else {
            continue;
        };
        if !counts(found.code, found.msg.is_some()) {
            continue;
        }
        lines.count_to(buf, key);
        if !lines.first_on_line(found.code) {
            continue;
        }
        let time = lines.time_at(buf, key);
        lines.hits += 1;
        on_hit(&Hit {
            code: found.code,
            line: lines.line,
            offset: base + key as u64,
            msg: found.msg,
            time,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_are_as_documented() {
        // `new`: 256 KiB; `with_chunk_size`: what is asked, at least 16 KiB.
        assert_eq!(Scanner::new().chunk, 256 * 1024);
        assert_eq!(Scanner::with_chunk_size(1).chunk, 16 * 1024);
        assert_eq!(Scanner::with_chunk_size(100_000).chunk, 100_000);
    }

    /// A line's codes are kept in a short list while it has at most `FEW` (no hash set
    /// for the usual line), then in a set (so a line of a million codes stays linear),
    /// and a line's set is dropped, not kept, when the next line starts.
    #[test]
    fn seen_codes_switch_from_a_list_to_a_set_past_few() {
        let mut seen = SeenCodes::default();
        for code in 0..SeenCodes::FEW as u32 {
            assert!(seen.insert(code));
            assert!(seen.many.is_empty(), "a set for only {} codes", code + 1);
        }
        assert!(!seen.insert(0));
        assert_eq!(seen.few.len(), SeenCodes::FEW);
        assert!(seen.insert(1_000));
        assert!(seen.few.is_empty());
        assert_eq!(seen.many.len(), SeenCodes::FEW + 1);
        assert!(!seen.insert(3) && !seen.insert(1_000) && seen.insert(1_001));
        seen.clear();
        assert!(seen.few.is_empty() && seen.many.is_empty());
        assert_eq!(seen.many.capacity(), 0, "the set is dropped");
        assert!(seen.insert(3), "a new line sees its codes anew");
    }
}
