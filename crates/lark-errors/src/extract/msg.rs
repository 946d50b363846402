//! The msg that goes with a code: where its key is, and how its value is quoted.

use memchr::memmem;

use super::key::{Quote, is_ident, key_at, separator, skip_quote, skip_spaces};
use super::unescape::json_unescape;
use super::{MAX_MSG_LEN, MSG_WINDOW};

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
/// how it was quoted. [`Msg::decode`](super::Msg::decode) gives the text.
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

/// The msg whose key starts within [`MSG_WINDOW`](super::MSG_WINDOW) bytes after `from` on the same line,
/// or first on the next line when only `,` follows the value on its line.
pub(super) fn msg_after(text: &[u8], from: usize) -> Option<Msg<'_>> {
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
pub(super) fn go_sdk_msg(text: &[u8], key: usize) -> Option<Msg<'_>> {
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
pub(super) fn skip_blanks(text: &[u8], mut i: usize) -> usize {
    let limit = i + 64;
    while i < limit && matches!(text.get(i), Some(b' ' | b'\t' | b'\r')) {
        i += 1;
    }
    i
}

pub(super) fn trim_spaces(mut raw: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r', rest @ ..] = raw {
        raw = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r'] = raw {
        raw = rest;
    }
    raw
}

/// The msg value starting at `i`; `None` when it is empty or `null`.
pub(super) fn msg_value(text: &[u8], i: usize) -> Option<Msg<'_>> {
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
pub(super) fn escaped_json_end(text: &[u8], start: usize, limit: usize) -> usize {
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
pub(super) fn bare_end(text: &[u8], start: usize, limit: usize) -> usize {
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
pub(super) fn next_is_key(text: &[u8], i: usize) -> bool {
    let i = skip_spaces(text, i);
    let key = text.get(i..).unwrap_or_default();
    let n = key.iter().take(64).take_while(|&&b| is_ident(b) || b == b'.').count();
    n > 0 && matches!(key.get(n), Some(b':' | b'='))
}
