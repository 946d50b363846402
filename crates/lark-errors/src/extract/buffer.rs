//! [`LineBuffer`]: the fixed-size window a [`Scanner`](super::Scanner) reads a stream
//! through (ripgrep's `LineBuffer` is the model): fill it, look at its complete lines,
//! roll the rest to the front.

use std::io::{self, Read};

/// A partial line (with the look-ahead after the last complete line) shorter than this
/// is carried whole into the next chunk.
pub(super) const CARRY_MAX: usize = 64 * 1024;
/// When a longer line is cut, codes are searched up to this many bytes before the cut
/// and these bytes are kept, so every code sees its value and msg in full.
pub(super) const TAIL_CONTEXT: usize = 4 * 1024;
/// Bytes kept before the cut, for the checks that look back (key boundary, Go SDK msg).
pub(super) const BACK_CONTEXT: usize = 1024;

/// A buffer of `chunk + CARRY_MAX` bytes over a stream, with what reading it found.
pub(super) struct LineBuffer<'b> {
    buf: &'b mut Vec<u8>,
    /// Bytes of `buf` holding input.
    filled: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Whether the input has ended (end of file, a NUL byte, or a read error).
    eof: bool,
    /// The last byte read, to tell whether the input ended with a newline.
    last_byte: u8,
    /// Bytes read in all.
    pub(super) bytes: u64,
    /// Stream offset of the first NUL byte.
    pub(super) binary_at: Option<u64>,
    /// The read error that ended the input.
    pub(super) error: Option<io::Error>,
}

/// Where the complete lines of a filled buffer end.
pub(super) struct Window {
    /// Lines before this offset are complete (or the input ended).
    pub(super) end: usize,
    /// Whether the window ends inside a line too long to carry (the line is cut).
    pub(super) cut: bool,
}

impl<'b> LineBuffer<'b> {
    /// A buffer of `chunk + CARRY_MAX` bytes, reusing the allocation of `buf`.
    pub(super) fn new(buf: &'b mut Vec<u8>, chunk: usize) -> LineBuffer<'b> {
        let cap = CARRY_MAX + chunk;
        if buf.len() != cap {
            *buf = vec![0; cap];
        }
        LineBuffer {
            buf,
            filled: 0,
            base: 0,
            eof: false,
            last_byte: b'\n',
            bytes: 0,
            binary_at: None,
            error: None,
        }
    }

    /// The input in the buffer.
    pub(super) fn contents(&self) -> &[u8] {
        &self.buf[..self.filled]
    }

    /// Stream offset of the buffer's first byte.
    pub(super) fn base(&self) -> u64 {
        self.base
    }

    /// Whether the input has ended.
    pub(super) fn is_eof(&self) -> bool {
        self.eof
    }

    /// Whether the input was empty or ended with a newline.
    pub(super) fn ended_with_newline(&self) -> bool {
        self.last_byte == b'\n'
    }

    /// Reads until the buffer is full or the input ends; a NUL byte ends it there.
    pub(super) fn fill<R: Read>(&mut self, reader: &mut R) {
        let cap = self.buf.len();
        while self.filled < cap && !self.eof {
            match reader.read(&mut self.buf[self.filled..cap]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.bytes += n as u64;
                    let read = &self.buf[self.filled..self.filled + n];
                    if let Some(nul) = memchr::memchr(0, read) {
                        self.binary_at = Some(self.base + (self.filled + nul) as u64);
                        self.filled += nul;
                        self.eof = true;
                    } else {
                        self.filled += n;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                }
            }
        }
        if self.filled > 0 {
            self.last_byte = self.buf[self.filled - 1];
        }
    }

    /// Where the lines starting at `from` that can be looked at whole end: all of them
    /// at the end of input; else up to the last newline that leaves [`TAIL_CONTEXT`]
    /// bytes after it (so a code near the end still sees a msg on the next line), or a
    /// cut [`TAIL_CONTEXT`] bytes before the end when the rest would not fit the carry.
    pub(super) fn window(&self, from: usize) -> Window {
        let filled = self.filled;
        if self.eof {
            return Window { end: filled, cut: false };
        }
        let limit = filled - TAIL_CONTEXT;
        match memchr::memrchr(b'\n', &self.buf[from..limit]) {
            Some(nl) if filled - (from + nl + 1) <= CARRY_MAX => {
                Window { end: from + nl + 1, cut: false }
            }
            _ => Window { end: filled - TAIL_CONTEXT, cut: true },
        }
    }

    /// Drops the bytes before `keep`, moving the rest to the front.
    pub(super) fn roll(&mut self, keep: usize) {
        self.buf.copy_within(keep..self.filled, 0);
        self.filled -= keep;
        self.base += keep as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_windows_and_rolls() {
        let chunk = 16 * 1024;
        let mut line = vec![b'x'; 99];
        line.push(b'\n');
        let input = line.repeat(1000); // 100,000 bytes
        let mut storage = Vec::new();
        let mut b = LineBuffer::new(&mut storage, chunk);
        let mut reader = &input[..];
        b.fill(&mut reader);
        assert_eq!(b.contents().len(), chunk + CARRY_MAX);
        assert!(!b.is_eof());
        let w = b.window(0);
        assert!(!w.cut);
        assert_eq!(b.contents()[w.end - 1], b'\n');
        assert!(b.contents().len() - w.end >= TAIL_CONTEXT);
        b.roll(w.end);
        assert_eq!(b.base(), w.end as u64);
        b.fill(&mut reader);
        assert_eq!(b.bytes, 100_000.min((chunk + CARRY_MAX) as u64 + w.end as u64));
    }

    #[test]
    fn a_long_line_is_cut_and_nul_ends_the_input() {
        let mut storage = Vec::new();
        let mut b = LineBuffer::new(&mut storage, 16 * 1024);
        let long = vec![b'a'; 200_000];
        b.fill(&mut &long[..]);
        let w = b.window(0);
        assert!(w.cut);
        assert_eq!(w.end, b.contents().len() - TAIL_CONTEXT);

        let mut b = LineBuffer::new(&mut storage, 16 * 1024);
        b.fill(&mut &b"ab\ncd\0ef"[..]);
        assert!(b.is_eof());
        assert_eq!((b.contents(), b.binary_at), (&b"ab\ncd"[..], Some(5)));
        assert!(!b.ended_with_newline());
    }

    #[test]
    fn the_rest_after_the_last_newline_is_carried_when_it_fits_and_cut_when_not() {
        let chunk = 16 * 1024;
        let cap = chunk + CARRY_MAX;
        let from = 10;
        for (rest, carried) in [(CARRY_MAX, true), (CARRY_MAX + 1, false), (TAIL_CONTEXT, true)] {
            // A newline `rest` bytes before the end of a full buffer, more input after.
            let mut input = vec![b'a'; cap + 100];
            input[cap - rest - 1] = b'\n';
            let mut storage = Vec::new();
            let mut b = LineBuffer::new(&mut storage, chunk);
            b.fill(&mut &input[..]);
            assert!(!b.is_eof() && b.contents().len() == cap);
            let w = b.window(from);
            if carried {
                assert_eq!((w.end, w.cut), (cap - rest, false), "rest {rest}");
            } else {
                assert_eq!((w.end, w.cut), (cap - TAIL_CONTEXT, true), "rest {rest}");
            }
        }
    }

    /// Reads `data`, failing with `kind` before every read that returns bytes, `fails`
    /// times in all.
    struct Failing<'a> {
        data: &'a [u8],
        kind: io::ErrorKind,
        fails: usize,
        failed_last: bool,
    }

    impl Read for Failing<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.fails > 0 && !self.failed_last {
                self.fails -= 1;
                self.failed_last = true;
                return Err(io::Error::new(self.kind, "injected"));
            }
            self.failed_last = false;
            let n = out.len().min(self.data.len()).min(7);
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn an_interrupted_read_is_retried_and_any_other_error_ends_the_input() {
        let data = b"code=99991400 msg=limited\ncode=99991663\n";
        let mut storage = Vec::new();
        let mut b = LineBuffer::new(&mut storage, 16 * 1024);
        let kind = io::ErrorKind::Interrupted;
        b.fill(&mut Failing { data, kind, fails: 100, failed_last: false });
        assert!(b.is_eof() && b.error.is_none());
        assert_eq!(b.contents(), data);

        let mut b = LineBuffer::new(&mut storage, 16 * 1024);
        let kind = io::ErrorKind::BrokenPipe;
        b.fill(&mut Failing { data, kind, fails: usize::MAX, failed_last: false });
        assert!(b.is_eof());
        assert_eq!(b.error.as_ref().map(io::Error::kind), Some(io::ErrorKind::BrokenPipe));
        assert_eq!(b.contents(), b"");
    }
}
