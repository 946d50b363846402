//! Finding Feishu / Lark error codes in log text of any shape.
//!
//! Logs carry the platform's errors as JSON bodies (`{"code":99991400,"msg":"..."}`,
//! also escaped inside another JSON string), `key=value` pairs (`code=99991663
//! msg="..."`), `code: 99991672`, Go structs (`{Code:99991663 Msg:...}`) and the Go
//! SDK's error text (`msg:...,code:99991663`). This module decides which numbers in such
//! text are Feishu error codes and which `msg` goes with each; it does no I/O of its own
//! beyond reading from a caller's [`Read`]. The rules are in [`RULES`], which
//! `larkerr scan --help` prints.
//!
//! - [`codes`]: every counting code in a piece of text;
//! - [`Scanner`]: the same over a stream of any size, in constant memory, with line
//!   numbers, timestamps and one count per code per line;
//! - [`counts`]: whether a code found next to (or without) a msg counts;
//! - [`find_timestamp`]: the first timestamp of a line;
//! - [`count_newlines`]: a fast newline count.
//!
//! ```
//! use lark_errors::extract;
//!
//! let line = br#"2025-03-01T08:00:00Z ERROR status_code=429 body={"code":99991400,"msg":"request trigger frequency limit"}"#;
//! let found: Vec<_> = extract::codes(line).collect();
//! assert_eq!(found.len(), 1); // status_code=429 is not a Feishu code
//! assert_eq!(found[0].code, 99991400);
//! assert_eq!(found[0].msg.unwrap().decode(), "request trigger frequency limit");
//! assert_eq!(extract::find_timestamp(line).unwrap().to_string(), "2025-03-01T08:00:00");
//! ```

use std::fmt;
use std::io::{self, Read};

use memchr::memmem;

use crate::date::{civil_from_days, days_from_civil};

/// The detection rules in words, as `larkerr scan --help` prints them.
pub const RULES: &str = "\
Detection rules (lark_errors::extract):
  * Key: exactly `code` or `Code`, not preceded or followed by a letter, digit, `_` or
    `-`. So `\"code\"`, `code=`, `resp.code:` and `{Code:` count; `status_code`,
    `error_code`, `errcode`, `http-code`, `codes`, `code_id` and `CODE` do not.
  * Then: an optional closing quote, optional spaces, `:` `=` or `=>`, optional spaces,
    an optional quote (`\"` `'` or an escaped `\\\"`), and 1 to 10 digits without a
    leading zero that fit in 32 bits. A quoted value needs its closing quote; a bare one
    must not go on with a letter, digit, `_`, `-`, or `.`/`,` and a digit
    (`code=1.5`, `code=200ms` do not count).
  * Code 0 (success) never counts.
  * A code documented in the catalog counts on its own, msg or not (600, 1002, 1500 ...
    are documented Feishu codes).
  * An undocumented code counts only next to a non-empty msg, and is reported as not in
    the catalog, with a heuristic diagnosis from the msg's words.
  * Undocumented codes 100-599 never count: they are HTTP statuses.
  * The msg: a `msg` or `Msg` key (same boundary rules: not `error_msg`, `msg_id`)
    starting within 128 bytes after the code's value on the same line; or first on the
    next line when the value and a `,` end their line (pretty-printed JSON); or the Go
    SDK's error text `msg:<text>,code:<n>`. A msg placed before the code in any other
    form (a logger's own `\"msg\"` field) is not the error's msg.
  * The msg's value: a JSON string (escapes decoded, also one nested in an escaped
    JSON string), a '...' string, or bare text up to the end of the line, a `\"` or
    `}`, or the next `key:` / `key=`; at most 256 bytes of it are kept.
  * A code repeated on one line counts once.
  * Timestamps: the first `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM:SS` or
    `YYYY/MM/DD HH:MM:SS` (optional fraction) in the first 1 KiB of the line. A `Z` or
    `+08:00` / `+0800` offset is converted to UTC; a time without one is taken as
    written.
  * Input: read in chunks, any line length, invalid UTF-8 tolerated (msgs decoded
    lossily); a NUL byte marks binary data: the rest of that input is skipped.";

/// How far after the end of a code's value its `msg` key may start, in bytes.
pub const MSG_WINDOW: usize = 128;

/// The most raw bytes of a msg value kept; longer values are cut.
pub const MAX_MSG_LEN: usize = 256;

/// How many bytes from a line's start are searched for its timestamp.
pub const TIMESTAMP_WINDOW: usize = 1024;

/// Spaces or tabs tolerated on each side of a separator.
const MAX_SPACES: usize = 8;

/// Bytes of a line that may be the key or value of a key (`[A-Za-z0-9_-]`).
#[inline]
fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether a code found in a log counts as a Feishu error code, given whether a msg was
/// found next to it. See [`RULES`].
///
/// ```
/// use lark_errors::extract::counts;
///
/// assert!(counts(99991400, false)); // documented: counts on its own
/// assert!(counts(600, false)); // documented, though it looks small
/// assert!(!counts(0, true)); // success
/// assert!(!counts(404, true)); // an HTTP status
/// assert!(!counts(230001, false)); // undocumented, no msg
/// assert!(counts(230001, true)); // undocumented, next to a msg
/// ```
pub fn counts(code: u32, has_msg: bool) -> bool {
    if code == 0 {
        return false;
    }
    if crate::is_documented(code) {
        return true;
    }
    has_msg && !(100..=599).contains(&code)
}

/// How a msg value was written in the log, which says how to decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Quoting {
    /// A JSON string: `"msg":"..."`.
    Json,
    /// A JSON string inside another JSON string: `\"msg\":\"...\"`.
    EscapedJson,
    /// Single quotes, no escapes: `msg='...'`.
    Single,
    /// Bare text: `msg=...`, `Msg:...`.
    Bare,
}

/// A msg value as found in the log: raw bytes (without quotes, escapes still in) and
/// how it was quoted. [`Msg::decode`] gives the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Msg<'a> {
    raw: &'a [u8],
    quoting: Quoting,
}

impl<'a> Msg<'a> {
    /// A msg from its raw bytes (between the quotes) and quoting.
    pub const fn new(raw: &'a [u8], quoting: Quoting) -> Msg<'a> {
        Msg { raw, quoting }
    }

    /// The raw bytes, as in the log, without the quotes.
    pub const fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// How the value was quoted.
    pub const fn quoting(&self) -> Quoting {
        self.quoting
    }

    /// The text: escapes decoded (`\n`, `\"`, `\u8bf7`, surrogate pairs), invalid UTF-8
    /// replaced with U+FFFD, surrounding whitespace trimmed.
    ///
    /// ```
    /// use lark_errors::extract::{Msg, Quoting};
    ///
    /// let m = Msg::new(br#"\u8bf7\u6c42 \"x\""#, Quoting::Json);
    /// assert_eq!(m.decode(), "请求 \"x\"");
    /// ```
    pub fn decode(&self) -> String {
        let bytes = match self.quoting {
            Quoting::Json => json_unescape(self.raw),
            Quoting::EscapedJson => json_unescape(&json_unescape(self.raw)),
            Quoting::Single | Quoting::Bare => self.raw.to_vec(),
        };
        let text = String::from_utf8_lossy(&bytes);
        text.trim().to_owned()
    }
}

/// Decodes JSON string escapes; malformed escapes are kept as written.
fn json_unescape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' || i + 1 >= raw.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let simple = match raw[i + 1] {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
            continue;
        }
        if raw[i + 1] == b'u' {
            if let Some(unit) = hex4(raw, i + 2) {
                let mut width = 6;
                let c = if (0xD800..0xDC00).contains(&unit) {
                    let low = (raw.get(i + 6) == Some(&b'\\') && raw.get(i + 7) == Some(&b'u'))
                        .then(|| hex4(raw, i + 8))
                        .flatten()
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    match low {
                        Some(low) => {
                            width = 12;
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        }
                        None => None,
                    }
                } else {
                    char::from_u32(unit)
                };
                let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                let mut tmp = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                i += width;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn hex4(raw: &[u8], at: usize) -> Option<u32> {
    let digits = raw.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |acc, &d| Some(acc * 16 + (d as char).to_digit(16)?))
}

/// A code found in a piece of text, with where it is and its msg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    /// The code.
    pub code: u32,
    /// Offset of the key (`code`) in the text.
    pub key: usize,
    /// Offset just past the value (and its closing quote).
    pub value_end: usize,
    /// The msg that goes with the code, if one was found.
    pub msg: Option<Msg<'a>>,
}

impl Found<'_> {
    /// Whether the code is documented in the catalog.
    pub fn is_documented(&self) -> bool {
        crate::is_documented(self.code)
    }
}

/// The quote that may open a value: none, `"`, `'` or an escaped `\"`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Double,
    Single,
    Escaped,
}

/// Skips an optional quote at `i`; returns the quote and the index after it.
#[inline]
fn skip_quote(text: &[u8], i: usize) -> (Quote, usize) {
    match text.get(i) {
        Some(b'"') => (Quote::Double, i + 1),
        Some(b'\'') => (Quote::Single, i + 1),
        Some(b'\\') if text.get(i + 1) == Some(&b'"') => (Quote::Escaped, i + 2),
        _ => (Quote::None, i),
    }
}

#[inline]
fn skip_spaces(text: &[u8], mut i: usize) -> usize {
    let limit = i + MAX_SPACES;
    while i < limit && matches!(text.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// After a key ending at `i` (exclusive): optional closing quote, spaces, `:` `=` or
/// `=>`, spaces. Returns where the value starts.
#[inline]
fn separator(text: &[u8], i: usize) -> Option<usize> {
    let (_, i) = skip_quote(text, i);
    let i = skip_spaces(text, i);
    let i = match text.get(i)? {
        b':' => i + 1,
        b'=' if text.get(i + 1) == Some(&b'>') => i + 2,
        b'=' => i + 1,
        _ => return None,
    };
    Some(skip_spaces(text, i))
}

/// Whether `text[at..at + word.len()]` is `word` (lowercase) or its capitalised form,
/// as a whole key: not preceded or followed by an identifier byte.
#[inline]
fn key_at(text: &[u8], at: usize, word: &[u8]) -> bool {
    let Some(candidate) = text.get(at..at + word.len()) else {
        return false;
    };
    (candidate[0] == word[0] || candidate[0] == word[0].to_ascii_uppercase())
        && candidate[1..] == word[1..]
        && (at == 0 || !is_ident(text[at - 1]))
        && !text.get(at + word.len()).is_some_and(|&b| is_ident(b))
}

/// The code whose key starts at `key` in `text`, if the text there is a code by the
/// key and value rules of [`RULES`], with its msg. Whether it *counts* is [`counts`].
///
/// ```
/// use lark_errors::extract::code_at;
///
/// let text = br#"{"code": "99991663", "msg": "Invalid access token"}"#;
/// let found = code_at(text, 2).unwrap();
/// assert_eq!(found.code, 99991663);
/// assert_eq!(found.msg.unwrap().decode(), "Invalid access token");
/// assert!(code_at(br#"{"status_code":404}"#, 9).is_none());
/// ```
pub fn code_at(text: &[u8], key: usize) -> Option<Found<'_>> {
    if !key_at(text, key, b"code") {
        return None;
    }
    let start = separator(text, key + 4)?;
    let (quote, d) = skip_quote(text, start);
    let digits = text.get(d..)?.iter().take(11).take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 10 || (digits > 1 && text[d] == b'0') {
        return None;
    }
    let code = text[d..d + digits].iter().fold(0u64, |acc, &b| acc * 10 + u64::from(b - b'0'));
    let code = u32::try_from(code).ok()?;
    let mut end = d + digits;
    match quote {
        Quote::None => {
            if let Some(&next) = text.get(end) {
                let continues_number = matches!(next, b'.' | b',')
                    && text.get(end + 1).is_some_and(|b| b.is_ascii_digit());
                if is_ident(next) || continues_number {
                    return None;
                }
            }
        }
        Quote::Double | Quote::Single => {
            let close = if quote == Quote::Double { b'"' } else { b'\'' };
            if text.get(end) != Some(&close) {
                return None;
            }
            end += 1;
        }
        Quote::Escaped => {
            if text.get(end..end + 2) != Some(b"\\\"") {
                return None;
            }
            end += 2;
        }
    }
    let msg = msg_after(text, end).or_else(|| go_sdk_msg(text, key));
    Some(Found { code, key, value_end: end, msg })
}

/// The msg whose key starts within [`MSG_WINDOW`] bytes after `from` on the same line,
/// or first on the next line when only `,` follows the value on its line.
fn msg_after(text: &[u8], from: usize) -> Option<Msg<'_>> {
    let len = text.len();
    let mut limit = len.min(from + MSG_WINDOW);
    if let Some(nl) = memchr::memchr(b'\n', &text[from..limit]) {
        let nl = from + nl;
        // Pretty-printed JSON: `"code": N,` ends its line and the next line starts with
        // the msg key.
        let rest = trim_spaces(&text[from..nl]);
        if rest == b"," {
            let next = skip_blanks(text, nl + 1);
            if next < len && matches!(text[next], b'"' | b'm' | b'M') {
                let key = next + usize::from(text[next] == b'"');
                if key_at(text, key, b"msg") {
                    return separator(text, key + 3).and_then(|value| msg_value(text, value));
                }
            }
        }
        limit = nl;
    }
    let mut j = from;
    while j < limit {
        let Some(at) = memchr::memchr2(b'm', b'M', &text[j..limit]) else {
            break;
        };
        let at = j + at;
        if key_at(text, at, b"msg") {
            if let Some(value) = separator(text, at + 3) {
                return msg_value(text, value);
            }
        }
        j = at + 1;
    }
    None
}

/// The Go SDK's error text, `msg:<text>,code:<n>`: the msg just before the code.
fn go_sdk_msg(text: &[u8], key: usize) -> Option<Msg<'_>> {
    if key == 0 || text[key - 1] != b',' {
        return None;
    }
    let end = key - 1;
    let lo = end.saturating_sub(MAX_MSG_LEN + 4);
    let region = &text[lo..end];
    let region_start = memchr::memrchr(b'\n', region).map_or(lo, |n| lo + n + 1);
    let region = &text[region_start..end];
    let mut upto = region.len();
    while let Some(at) = memmem::rfind(&region[..upto], b"msg:") {
        let abs = region_start + at;
        if abs == 0 || !is_ident(text[abs - 1]) {
            let raw = trim_spaces(&text[abs + 4..end]);
            return (!raw.is_empty()).then_some(Msg::new(raw, Quoting::Bare));
        }
        upto = at;
    }
    None
}

/// Skips spaces, tabs and a `\r` (indentation), at most 64 bytes.
fn skip_blanks(text: &[u8], mut i: usize) -> usize {
    let limit = i + 64;
    while i < limit && matches!(text.get(i), Some(b' ' | b'\t' | b'\r')) {
        i += 1;
    }
    i
}

fn trim_spaces(mut raw: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r', rest @ ..] = raw {
        raw = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r'] = raw {
        raw = rest;
    }
    raw
}

/// The msg value starting at `i`; `None` when it is empty or `null`.
fn msg_value(text: &[u8], i: usize) -> Option<Msg<'_>> {
    let (quote, start) = skip_quote(text, i);
    let limit = text.len().min(start + MAX_MSG_LEN);
    let (raw, quoting) = match quote {
        Quote::Double => {
            let mut j = start;
            while j < limit {
                match text[j] {
                    b'\\' => j += 2,
                    b'"' | b'\n' => break,
                    _ => j += 1,
                }
            }
            (&text[start..j.min(limit)], Quoting::Json)
        }
        Quote::Escaped => {
            (&text[start..escaped_json_end(text, start, limit)], Quoting::EscapedJson)
        }
        Quote::Single => {
            let end =
                memchr::memchr2(b'\'', b'\n', &text[start..limit]).map_or(limit, |n| start + n);
            (&text[start..end], Quoting::Single)
        }
        Quote::None => {
            let raw = trim_spaces(&text[start..bare_end(text, start, limit)]);
            if raw == b"null" || raw == b"nil" || raw == b"<nil>" {
                return None;
            }
            (raw, Quoting::Bare)
        }
    };
    let msg = Msg::new(raw, quoting);
    (!trim_spaces(raw).is_empty()).then_some(msg)
}

/// Where a JSON string nested in a JSON string ends: the `\"` that closes the inner
/// string (decoding the outer escapes to find it).
fn escaped_json_end(text: &[u8], start: usize, limit: usize) -> usize {
    let mut j = start;
    let mut inner_escape = false;
    while j < limit {
        let b = text[j];
        if b == b'"' || b == b'\n' {
            // An unescaped quote ends the outer string too.
            return j;
        }
        let (c, width) = if b == b'\\' {
            match text.get(j + 1) {
                Some(b'u') => (b'u', 6),
                Some(&n) => (n, 2),
                None => (b'\\', 1),
            }
        } else {
            (b, 1)
        };
        if inner_escape {
            inner_escape = false;
        } else if b == b'\\' && c == b'\\' {
            inner_escape = true;
        } else if b == b'\\' && c == b'"' {
            return j;
        }
        j += width;
    }
    limit
}

/// Where bare msg text ends: end of line, `"`, `}`, or the next `key:` / `key=`.
fn bare_end(text: &[u8], start: usize, limit: usize) -> usize {
    let mut j = start;
    while j < limit {
        match text[j] {
            b'\n' | b'\r' | b'"' | b'}' => return j,
            b',' | b';' | b' ' | b'\t' if next_is_key(text, j + 1) => return j,
            _ => j += 1,
        }
    }
    limit
}

/// Whether a `key:` or `key=` starts at `i` (after optional spaces).
fn next_is_key(text: &[u8], i: usize) -> bool {
    let i = skip_spaces(text, i);
    let key = text.get(i..).unwrap_or_default();
    let n = key.iter().take(64).take_while(|&&b| is_ident(b) || b == b'.').count();
    n > 0 && matches!(key.get(n), Some(b':' | b'='))
}

/// Every code in `text` that [`counts`], in order, each with its msg. Unlike
/// [`Scanner`], a code repeated on one line is returned each time.
///
/// ```
/// use lark_errors::extract::codes;
///
/// let log = b"code=99991663 msg=\"token invalid\"\ncode=200\nmsg:no such app,code:1254040\n";
/// let found: Vec<u32> = codes(log).map(|f| f.code).collect();
/// assert_eq!(found, [99991663, 1254040]);
/// ```
pub fn codes(text: &[u8]) -> impl Iterator<Item = Found<'_>> {
    let keys = Keys::new(memmem::find_iter(text, b"code"), memmem::find_iter(text, b"Code"));
    keys.filter_map(move |key| code_at(text, key)).filter(|f| counts(f.code, f.msg.is_some()))
}

/// The positions of `code` and of `Code` in one haystack, in order: two vectorised
/// searches merged, cheaper than one search for `ode` that stops at every `node`.
struct Keys<L: Iterator, U: Iterator> {
    lower: std::iter::Peekable<L>,
    upper: std::iter::Peekable<U>,
}

impl<L: Iterator<Item = usize>, U: Iterator<Item = usize>> Keys<L, U> {
    fn new(lower: L, upper: U) -> Self {
        Keys { lower: lower.peekable(), upper: upper.peekable() }
    }
}

impl<L: Iterator<Item = usize>, U: Iterator<Item = usize>> Iterator for Keys<L, U> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match (self.lower.peek(), self.upper.peek()) {
            (Some(l), Some(u)) if u < l => self.upper.next(),
            (Some(_), _) => self.lower.next(),
            (None, _) => self.upper.next(),
        }
    }
}

/// The number of `\n` bytes in `bytes`, counted with memchr's vectorised count.
///
/// ```
/// assert_eq!(lark_errors::extract::count_newlines(b"a\nb\n\nc"), 3);
/// ```
pub fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// A point in time with one-second resolution: seconds since 1970-01-01T00:00:00, in
/// UTC when the log said its offset, else in the log's own time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since the epoch.
    pub const fn from_unix(secs: i64) -> Timestamp {
        Timestamp(secs)
    }

    /// Seconds since the epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

fn num(text: &[u8], at: usize, width: usize) -> Option<i64> {
    let digits = text.get(at..at + width)?;
    digits
        .iter()
        .try_fold(0i64, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0')))
}

/// The timestamp at the very start of `text`: `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD
/// HH:MM:SS` or `YYYY/MM/DD HH:MM:SS`, an optional `.fraction`, then for the first two
/// an optional `Z`, `±HH:MM`, `±HHMM` or `±HH` offset (converted to UTC).
///
/// ```
/// use lark_errors::extract::parse_timestamp;
///
/// let a = parse_timestamp(b"2025-03-01T16:00:00+08:00 x").unwrap();
/// let b = parse_timestamp(b"2025/03/01 08:00:00.123456 x").unwrap();
/// assert_eq!(a, b);
/// assert!(parse_timestamp(b"2025-13-01 00:00:00").is_none());
/// ```
pub fn parse_timestamp(text: &[u8]) -> Option<Timestamp> {
    let year = num(text, 0, 4)?;
    let sep = *text.get(4)?;
    if !matches!(sep, b'-' | b'/') || text.get(7) != Some(&sep) {
        return None;
    }
    let month = num(text, 5, 2)?;
    let day = num(text, 8, 2)?;
    let t = *text.get(10)?;
    if !(t == b' ' || (t == b'T' && sep == b'-')) {
        return None;
    }
    let hour = num(text, 11, 2)?;
    let minute = num(text, 14, 2)?;
    let second = num(text, 17, 2)?;
    if text[13] != b':' || text.get(16) != Some(&b':') {
        return None;
    }
    if !(1900..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    if matches!(text.get(i), Some(b'.' | b',')) && text.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    } else if text.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    if sep == b'-' {
        match text.get(i) {
            Some(b'Z') => {}
            Some(&s @ (b'+' | b'-')) => {
                let oh = num(text, i + 1, 2);
                let om = if text.get(i + 3) == Some(&b':') {
                    num(text, i + 4, 2)
                } else {
                    num(text, i + 3, 2).or(Some(0))
                };
                if let (Some(oh), Some(om)) = (oh, om) {
                    if oh <= 23 && om <= 59 {
                        let offset = oh * 3600 + om * 60;
                        secs += if s == b'+' { -offset } else { offset };
                    }
                }
            }
            _ => {}
        }
    }
    Some(Timestamp(secs))
}

/// The first timestamp in `text` that [`parse_timestamp`] reads, starting where a digit
/// follows a non-digit.
///
/// ```
/// use lark_errors::extract::find_timestamp;
///
/// let t = find_timestamp(br#"{"level":"error","time":"2025-03-01T08:00:00.5Z","code":1}"#);
/// assert_eq!(t.unwrap().to_string(), "2025-03-01T08:00:00");
/// assert!(find_timestamp(b"no time here 12:00").is_none());
/// ```
pub fn find_timestamp(text: &[u8]) -> Option<Timestamp> {
    let mut i = 0;
    while i + 19 <= text.len() {
        let at = i + text[i..text.len() - 18].iter().position(u8::is_ascii_digit)?;
        if at == 0 || !text[at - 1].is_ascii_digit() {
            if let Some(t) = parse_timestamp(&text[at..]) {
                return Some(t);
            }
        }
        i = at + 1;
    }
    None
}

/// A code found by a [`Scanner`] in a stream.
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

/// A partial line (with the look-ahead after the last complete line) shorter than this
/// is carried whole into the next chunk.
const CARRY_MAX: usize = 64 * 1024;
/// When a longer line is cut, codes are searched up to this many bytes before the cut
/// and these bytes are kept, so every code sees its value and msg in full.
const TAIL_CONTEXT: usize = 4 * 1024;
/// Bytes kept before the cut, for the checks that look back (key boundary, Go SDK msg).
const BACK_CONTEXT: usize = 1024;
/// The default chunk size: small enough that a chunk stays in the L2 cache across the
/// passes over it (binary check, key search, newline count).
const DEFAULT_CHUNK: usize = 256 * 1024;
/// The smallest chunk size allowed.
const MIN_CHUNK: usize = 16 * 1024;

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

/// Where a scan is between chunks.
struct State {
    /// The line number at `counted`.
    line: u64,
    /// Buffer offset up to which newlines have been counted.
    counted: usize,
    /// Stream offset of the buffer's first byte.
    base: u64,
    /// Whether the buffer's first byte starts a line.
    starts_line: bool,
    /// The last line a code was reported on, and its codes.
    seen_line: u64,
    seen: Vec<u32>,
    /// The last line whose timestamp was looked for, and the result.
    time_line: Option<(u64, Option<Timestamp>)>,
    hits: u64,
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

    /// Scans `reader` to its end, calling `on_hit` for each code that [`counts`], in
    /// order. Read errors end the scan and are returned in the [`Summary`], as is the
    /// offset of binary data (a NUL byte), where the scan stops; codes found before
    /// either were reported.
    pub fn scan<R: Read, F: FnMut(&Hit<'_>)>(&mut self, mut reader: R, mut on_hit: F) -> Summary {
        let cap = CARRY_MAX + self.chunk;
        if self.buf.len() != cap {
            self.buf = vec![0; cap];
        }
        let mut summary = Summary::default();
        let mut st = State {
            line: 1,
            counted: 0,
            base: 0,
            starts_line: true,
            seen_line: 0,
            seen: Vec::new(),
            time_line: None,
            hits: 0,
        };
        let mut filled = 0;
        let mut from = 0;
        let mut last_byte = b'\n';
        loop {
            let mut eof = false;
            while filled < cap {
                match reader.read(&mut self.buf[filled..cap]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => {
                        summary.bytes += n as u64;
                        if let Some(nul) = memchr::memchr(0, &self.buf[filled..filled + n]) {
                            summary.binary_at = Some(st.base + (filled + nul) as u64);
                            filled += nul;
                            eof = true;
                            break;
                        }
                        filled += n;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        summary.error = Some(e);
                        eof = true;
                        break;
                    }
                }
            }
            let buf = &self.buf[..filled];
            if filled > 0 {
                last_byte = buf[filled - 1];
            }
            let (end, cut) = if eof {
                (filled, false)
            } else {
                // Complete lines up to the last newline that leaves TAIL_CONTEXT bytes
                // after it, so a code near the end still sees a msg on the next line.
                let limit = filled - TAIL_CONTEXT;
                match memchr::memrchr(b'\n', &buf[from..limit]) {
                    Some(nl) if filled - (from + nl + 1) <= CARRY_MAX => (from + nl + 1, false),
                    _ => (filled - TAIL_CONTEXT, true),
                }
            };
            process((&self.lower, &self.upper), buf, from, end, &mut st, &mut on_hit);
            st.line += count_newlines(&buf[st.counted..end]);
            st.counted = end;
            if eof {
                break;
            }
            let keep = if cut {
                // The line at `end` goes on: note its timestamp while its start is here.
                if st.time_line.is_none_or(|(l, _)| l != st.line) {
                    let start = memchr::memrchr(b'\n', &buf[..end])
                        .map(|n| n + 1)
                        .or(st.starts_line.then_some(0));
                    let time = start.and_then(|s| line_timestamp(buf, s));
                    st.time_line = Some((st.line, time));
                }
                end - BACK_CONTEXT
            } else {
                end
            };
            self.buf.copy_within(keep..filled, 0);
            filled -= keep;
            st.base += keep as u64;
            st.counted -= keep;
            st.starts_line = !cut;
            from = end - keep;
        }
        summary.lines = st.line - 1 + u64::from(summary.bytes > 0 && last_byte != b'\n');
        if summary.bytes == 0 {
            summary.lines = 0;
        }
        summary.hits = st.hits;
        summary
    }
}

/// The timestamp of the line starting at `start`, searched in its first
/// [`TIMESTAMP_WINDOW`] bytes.
fn line_timestamp(buf: &[u8], start: usize) -> Option<Timestamp> {
    let window = &buf[start..buf.len().min(start + TIMESTAMP_WINDOW)];
    let line = memchr::memchr(b'\n', window).map_or(window, |n| &window[..n]);
    find_timestamp(line)
}

/// Reports the codes whose keys start in `buf[from..end)`, looking at all of `buf`.
fn process<F: FnMut(&Hit<'_>)>(
    (lower, upper): (&memmem::Finder<'_>, &memmem::Finder<'_>),
    buf: &[u8],
    from: usize,
    end: usize,
    st: &mut State,
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
        st.line += count_newlines(&buf[st.counted..key]);
        st.counted = key;
        if st.seen_line != st.line {
            st.seen_line = st.line;
            st.seen.clear();
        }
        if st.seen.contains(&found.code) {
            continue;
        }
        st.seen.push(found.code);
        let time = match st.time_line {
            Some((line, time)) if line == st.line => time,
            _ => {
                let start = memchr::memrchr(b'\n', &buf[..key])
                    .map(|n| n + 1)
                    .or(st.starts_line.then_some(0));
                let time = start.and_then(|s| line_timestamp(buf, s));
                st.time_line = Some((st.line, time));
                time
            }
        };
        st.hits += 1;
        on_hit(&Hit {
            code: found.code,
            line: st.line,
            offset: st.base + key as u64,
            msg: found.msg,
            time,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(u32, Option<String>)> {
        codes(text.as_bytes()).map(|f| (f.code, f.msg.map(|m| m.decode()))).collect()
    }

    fn one(text: &str) -> Option<(u32, Option<String>)> {
        let found = all(text);
        assert!(found.len() <= 1, "{text}: {found:?}");
        found.into_iter().next()
    }

    #[test]
    fn must_match() {
        let cases: &[(&str, u32, Option<&str>)] = &[
            (
                r#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
                99991400,
                Some("request trigger frequency limit"),
            ),
            (r#"{"code": 99991400, "msg": "x"}"#, 99991400, Some("x")),
            (r#"{"code": "99991400"}"#, 99991400, None),
            (r#"{"code" : 99991663 }"#, 99991663, None),
            ("code=99991663", 99991663, None),
            ("code=99991663 msg=\"Invalid access token\"", 99991663, Some("Invalid access token")),
            ("code: 99991672", 99991672, None),
            ("error code: 99991672.", 99991672, None),
            ("resp.code=99991400", 99991400, None),
            (
                "{Code:99991663 Msg:Invalid access token for authorization. Err:<nil>}",
                99991663,
                Some("Invalid access token for authorization."),
            ),
            (
                "msg:request trigger frequency limit,code:99991400",
                99991400,
                Some("request trigger frequency limit"),
            ),
            ("msg:no such thing,code:1254040", 1254040, Some("no such thing")),
            (
                r#"body="{\"code\":1254040,\"msg\":\"say \\\"hi\\\"\"}""#,
                1254040,
                Some("say \"hi\""),
            ),
            (
                r#"{"code":230001,"msg":"\u8bf7\u6c42\u53c2\u6570\u9519\u8bef"}"#,
                230001,
                Some("请求参数错误"),
            ),
            ("code='1500'", 1500, None),
            ("\"code\"=>99991400", 99991400, None),
            ("code=600", 600, None),
            ("code=1002 bye", 1002, None),
            ("code=12345, msg='custom failure'", 12345, Some("custom failure")),
            ("code=12345 log_id=20250301 msg=oops", 12345, Some("oops")),
            ("(code=99991400)", 99991400, None),
            ("code=99991400\n", 99991400, None),
        ];
        for &(text, want, msg) in cases {
            let got = one(text);
            assert_eq!(got, Some((want, msg.map(str::to_owned))), "{text}");
        }
    }

    #[test]
    fn must_not_match() {
        for text in [
            "code=200",
            r#"{"code":404,"msg":"not found"}"#,
            r#""status_code": 404"#,
            "status_code=429 msg=x",
            r#"{"error_code":12345,"msg":"x"}"#,
            "errcode=40001",
            "http-code=99991400",
            "codes=99991400",
            "code_id=99991400",
            "CODE=99991400",
            "xcode=99991400",
            "code=0 msg=success",
            r#"{"code":0,"msg":"success"}"#,
            "code=12345",
            "code=12345 msg=\"\"",
            "code=12345 msg=null",
            "code=99991400ms",
            "code=1.5",
            "code=99991400.5",
            "code=99991400,5",
            "code=0099991400",
            "code=99999999999",
            "code=4294967296 msg=x",
            "code=\"99991400",
            "code 99991400",
            "code=-99991400",
            "code=abc",
            "zip code: 10118",
            "code=12345 error_msg=x",
            "code=12345 msg_id=x",
            r#"{"level":"error","msg":"db failed","code":1062}"#,
            "code=12345 hello there, this is not the message at all, and the key of the message comes far too late for it to count as next to the code: msg=x",
        ] {
            assert_eq!(all(text), [], "{text}");
        }
    }

    #[test]
    fn pretty_printed_json_takes_msg_from_the_next_line() {
        let text = "{\n  \"code\": 1254040,\n  \"msg\": \"pretty\"\n}";
        assert_eq!(one(text), Some((1254040, Some("pretty".into()))));
        // Not when the code's line goes on with something else.
        assert_eq!(all("code=1254040 other\nmsg=x"), []);
        assert_eq!(all("code=1254040\nmsg=x"), []);
        assert_eq!(all("{\"code\": 1254040,\n  \"data\": {},\n  \"msg\": \"x\"}"), []);
        assert_eq!(
            one("{\"code\": \"1254040\",\r\n\t\"msg\": \"crlf\"}"),
            Some((1254040, Some("crlf".into())))
        );
    }

    #[test]
    fn scanner_dedupes_per_line_and_counts_lines() {
        let log = "code=99991400 code=99991400 code=99991663\n\ncode=99991400";
        let mut hits = Vec::new();
        let s = Scanner::new().scan(log.as_bytes(), |h| hits.push((h.code, h.line, h.offset)));
        assert_eq!(hits, [(99991400, 1, 0), (99991663, 1, 28), (99991400, 3, 43)]);
        assert_eq!(s.lines, 3);
        assert_eq!(s.bytes, log.len() as u64);
        let s = Scanner::new().scan(&b""[..], |_| panic!());
        assert_eq!(s.lines, 0);
    }

    #[test]
    fn scanner_stops_at_nul() {
        let log = b"code=99991400\nxx\0 code=99991663\n";
        let mut hits = Vec::new();
        let s = Scanner::new().scan(&log[..], |h| hits.push(h.code));
        assert_eq!(hits, [99991400]);
        assert_eq!(s.binary_at, Some(16));
    }

    /// Scans `log` with a small chunk size, feeding it in odd-sized reads.
    /// A hit as owned values: code, line, offset, msg, unix time.
    type Owned = (u32, u64, u64, Option<String>, Option<i64>);

    fn scan_chunked(log: &[u8], chunk: usize) -> Vec<Owned> {
        struct Dribble<'a>(&'a [u8], usize);
        impl Read for Dribble<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = out.len().min(self.0.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                self.1 = self.1 % 9973 + 7919;
                Ok(n)
            }
        }
        let mut hits = Vec::new();
        Scanner::with_chunk_size(chunk).scan(Dribble(log, 1), |h| {
            hits.push((
                h.code,
                h.line,
                h.offset,
                h.msg.map(|m| m.decode()),
                h.time.map(Timestamp::unix),
            ))
        });
        hits
    }

    #[test]
    fn chunk_boundaries_and_long_lines_change_nothing() {
        let mut log = Vec::new();
        for i in 0..3000u32 {
            log.extend_from_slice(
                format!("2025-03-01T00:{:02}:{:02}Z ", i / 60 % 60, i % 60).as_bytes(),
            );
            if i % 7 == 0 {
                log.extend_from_slice(
                    format!("{{\"code\":99991400,\"msg\":\"limit {i}\"}}").as_bytes(),
                );
            }
            if i % 500 == 3 {
                // a line of 300 KiB with codes throughout
                for j in 0..3000 {
                    log.extend_from_slice(
                        format!(" pad{j:096} code={} msg=m{j}", 1_254_040 + j).as_bytes(),
                    );
                }
            }
            log.push(b'\n');
        }
        let reference: Vec<_> = scan_chunked(&log, 64 << 20);
        assert!(reference.len() > 400);
        // Inside the long lines the timestamp is still the line's.
        assert!(reference.iter().all(|h| h.4.is_some()));
        for chunk in [MIN_CHUNK, 20_000, 65_536, 100_003] {
            assert_eq!(scan_chunked(&log, chunk), reference, "chunk {chunk}");
        }
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| find_timestamp(s.as_bytes()).map(|t| t.to_string());
        assert_eq!(t("2025-03-01T08:00:00Z").as_deref(), Some("2025-03-01T08:00:00"));
        assert_eq!(t("at 2025-03-01 08:00:00,123 INFO").as_deref(), Some("2025-03-01T08:00:00"));
        assert_eq!(t("2025/03/01 08:00:00 x").as_deref(), Some("2025-03-01T08:00:00"));
        assert_eq!(t("2025-03-01T08:00:00+0800").as_deref(), Some("2025-03-01T00:00:00"));
        assert_eq!(t("2025-03-01T08:00:00-05").as_deref(), Some("2025-03-01T13:00:00"));
        assert_eq!(t("2025-03-01T00:30:00+01:00").as_deref(), Some("2025-02-28T23:30:00"));
        assert_eq!(t("12025-03-01T08:00:00").as_deref(), None);
        assert_eq!(t("2025/03-01 08:00:00").as_deref(), None);
        assert_eq!(t("2025/03/01T08:00:00").as_deref(), None);
        assert_eq!(t("2025-03-01T08:00:001").as_deref(), None);
        assert_eq!(t("1970-01-01T00:00:00").as_deref(), Some("1970-01-01T00:00:00"));
        assert_eq!(find_timestamp(b"1970-01-01T00:00:00").unwrap().unix(), 0);
        assert_eq!(t("2000-02-29 23:59:60").as_deref(), Some("2000-03-01T00:00:00"));
    }

    #[test]
    fn newline_count_matches_naive() {
        let mut bytes = Vec::new();
        for i in 0..100_000u32 {
            bytes.push(if i % 7 == 0 || i % 13 == 5 { b'\n' } else { (i % 251) as u8 });
        }
        for len in [0, 1, 31, 32, 33, 8159, 8160, 8161, 100_000] {
            let s = &bytes[..len];
            assert_eq!(count_newlines(s), s.iter().filter(|&&b| b == b'\n').count() as u64);
        }
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;
        use super::scan_chunked;

        /// Pieces of log text that exercise the rules, for composing inputs.
        const PIECES: &[&str] = &[
            "code",
            "Code",
            "code=",
            "\"code\":",
            "\\\"code\\\":",
            "code: ",
            "=>",
            "msg",
            "msg=",
            "\"msg\":\"",
            "Msg:",
            "msg:",
            "status_",
            "99991400",
            "1254040",
            "404",
            "0",
            "1002",
            "4294967296",
            "\"",
            "'",
            "\\",
            "\\u8bf7",
            "\\ud83d\\ude00",
            ",",
            " ",
            "\t",
            "\n",
            "\n",
            "}",
            "{",
            "2025-03-01T08:00:00Z",
            "2025/03/01 08:00:00",
            "+08:00",
            ".5",
            "\u{fffd}",
            "请求",
            "x",
        ];

        fn log_text() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(
                prop_oneof![
                    4 => prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
                    1 => prop::collection::vec(any::<u8>(), 0..8),
                ],
                0..400,
            )
            .prop_map(|parts| parts.concat())
        }

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
                for f in codes(&bytes) {
                    prop_assert!(counts(f.code, f.msg.is_some()));
                    prop_assert!(f.value_end <= bytes.len());
                    if let Some(m) = f.msg {
                        prop_assert!(m.raw().len() <= MAX_MSG_LEN);
                        let _ = m.decode();
                    }
                }
                for i in 0..bytes.len() {
                    let _ = code_at(&bytes, i);
                    let _ = parse_timestamp(&bytes[i..]);
                }
                let _ = find_timestamp(&bytes);
                for q in [Quoting::Json, Quoting::EscapedJson, Quoting::Single, Quoting::Bare] {
                    let _ = Msg::new(&bytes, q).decode();
                }
                Scanner::with_chunk_size(0).scan(&bytes[..], |_| {});
            }

            #[test]
            fn scanner_agrees_with_codes(text in log_text()) {
                let text: Vec<u8> = text.into_iter().map(|b| if b == 0 { b'x' } else { b }).collect();
                let mut expected: Vec<(u64, u32, Option<String>)> = Vec::new();
                for f in codes(&text) {
                    let line = 1 + count_newlines(&text[..f.key]);
                    if !expected.iter().any(|(l, c, _)| *l == line && *c == f.code) {
                        expected.push((line, f.code, f.msg.map(|m| m.decode())));
                    }
                }
                let mut got = Vec::new();
                let summary = Scanner::new().scan(&text[..], |h| {
                    got.push((h.line, h.code, h.msg.map(|m| m.decode())));
                });
                prop_assert_eq!(got, expected);
                prop_assert_eq!(summary.bytes, text.len() as u64);
                let lines = count_newlines(&text) + u64::from(text.last().is_some_and(|&b| b != b'\n'));
                prop_assert_eq!(summary.lines, lines);
            }

            #[test]
            fn chunk_size_changes_nothing(text in log_text(), repeat in 1usize..120) {
                let mut log = Vec::new();
                for i in 0..repeat {
                    log.extend_from_slice(&text);
                    log.extend_from_slice(format!("\n{i} code={} msg=x\n", 1_254_000 + i).as_bytes());
                }
                let reference = scan_chunked(&log, 64 << 20);
                prop_assert_eq!(scan_chunked(&log, 16 * 1024), reference.clone());
                prop_assert_eq!(scan_chunked(&log, 20_011), reference);
            }
        }
    }
}
