//! `lark_errors::extract`: the streaming scanner against a one-chunk scan.
//!
//! Input: 4 control bytes, then log text. The text is scanned as it is, and, when the
//! first control byte says so, repeated into a stream longer than the scanner's buffer
//! (so chunk boundaries and lines longer than 64 KiB fall everywhere).
//!
//! Properties:
//! - a scanner with small chunks, fed by reads of random sizes, reports exactly the
//!   hits (code, line, offset, msg, timestamp) and summary of a scan in one chunk;
//! - the one-chunk scan reports what `extract::codes` finds in the text before the
//!   first NUL, less the repeats of a code on one line;
//! - every code found has its key where it says, and its value after it.
#![no_main]

use std::io::{self, Read};

use lark_errors::extract::{self, Quoting, Scanner};
use libfuzzer_sys::fuzz_target;

/// The smallest chunk a scanner takes (`extract`'s MIN_CHUNK).
const MIN_CHUNK: usize = 16 * 1024;
/// The scanner's buffer is a chunk plus this much carry (`extract`'s CARRY_MAX).
const CARRY: usize = 64 * 1024;

/// A hit, owned: code, line, offset, raw msg and its quoting, unix time.
type Owned = (u32, u64, u64, Option<(Vec<u8>, Quoting)>, Option<i64>);

/// A summary, comparable: bytes, lines, hits, binary offset, whether a read failed.
type Totals = (u64, u64, u64, Option<u64>, bool);

fuzz_target!(|data: &[u8]| {
    let [mode, size, chunk, seed, text @ ..] = data else { return };
    let stream: Vec<u8> = if mode & 1 == 1 && !text.is_empty() && text.len() < CARRY {
        // Long enough for several chunks of the smallest size.
        let want = MIN_CHUNK + CARRY + usize::from(*size) * 256;
        text.iter().copied().cycle().take(want).collect()
    } else {
        text.to_vec()
    };
    let (reference, totals) = scan(&stream, stream.len() + 1, None);
    let (chunked, chunked_totals) =
        scan(&stream, MIN_CHUNK + usize::from(*chunk) * 97, Some(u64::from(*seed) | 1 << 8));
    // Bytes read past a NUL depend on the read sizes: compare them only without one.
    let comparable = |t: Totals| (if t.3.is_some() { 0 } else { t.0 }, t.1, t.2, t.3, t.4);
    assert_eq!(comparable(totals), comparable(chunked_totals), "summaries differ");
    if reference != chunked {
        let first = reference.iter().zip(&chunked).position(|(a, b)| a != b);
        panic!(
            "chunked scan differs: {} vs {} hits, first difference at hit {first:?}: {:?} vs {:?}",
            reference.len(),
            chunked.len(),
            first.map(|i| &reference[i]),
            first.map(|i| &chunked[i]),
        );
    }

    // The one-chunk scan is `codes` with one hit per code per line.
    let text = match memchr_nul(&stream) {
        Some(nul) => &stream[..nul],
        None => &stream[..],
    };
    let mut expected = Vec::new();
    let (mut line, mut counted, mut seen_line, mut seen) = (1u64, 0usize, 0u64, Vec::new());
    for f in extract::codes(text) {
        let key = text.get(f.key..f.key + 4);
        assert!(key == Some(b"code") || key == Some(b"Code"), "no key at {}", f.key);
        assert!(f.key + 4 < f.value_end && f.value_end <= text.len(), "{f:?}");
        line += text[counted..f.key].iter().filter(|&&b| b == b'\n').count() as u64;
        counted = f.key;
        if seen_line != line {
            (seen_line, seen) = (line, Vec::new());
        }
        if seen.contains(&f.code) {
            continue;
        }
        seen.push(f.code);
        expected.push((f.code, line, f.key as u64, f.msg.map(|m| (m.raw().to_vec(), m.quoting()))));
    }
    let got: Vec<_> = reference.iter().map(|h| (h.0, h.1, h.2, h.3.clone())).collect();
    assert_eq!(got, expected, "the scanner and `codes` disagree");
});

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// Scans `stream` with chunks of `chunk` bytes; with `seed`, through reads of
/// pseudo-random sizes.
fn scan(stream: &[u8], chunk: usize, seed: Option<u64>) -> (Vec<Owned>, Totals) {
    let mut hits = Vec::new();
    let mut on_hit = |h: &extract::Hit<'_>| {
        if let Some(m) = h.msg {
            let _ = m.decode();
        }
        hits.push((
            h.code,
            h.line,
            h.offset,
            h.msg.map(|m| (m.raw().to_vec(), m.quoting())),
            h.time.map(|t| t.unix()),
        ));
    };
    let mut scanner = Scanner::with_chunk_size(chunk);
    let s = match seed {
        Some(seed) => scanner.scan(Dribble { rest: stream, state: seed }, &mut on_hit),
        None => scanner.scan(stream, &mut on_hit),
    };
    assert_eq!(s.hits, hits.len() as u64);
    (hits, (s.bytes, s.lines, s.hits, s.binary_at, s.error.is_some()))
}

/// Hands out its bytes in reads of 1 to 8 KiB, sizes from a xorshift generator.
struct Dribble<'a> {
    rest: &'a [u8],
    state: u64,
}

impl Read for Dribble<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let want = 1 + (self.state % 8192) as usize;
        let n = out.len().min(self.rest.len()).min(want);
        out[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}
