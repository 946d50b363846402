//! The key grammar: where a `code` key and its value are, by the rules of
//! [`RULES`](super::RULES).

use memchr::memmem;

use super::msg::{go_sdk_msg, msg_after};
use super::{MAX_SPACES, Msg, counts};

/// Bytes of a line that may be the key or value of a key (`[A-Za-z0-9_-]`).
#[inline]
pub(super) fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
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
pub(super) enum Quote {
    None,
    Double,
    Single,
    Escaped,
}

/// Skips an optional quote at `i`; returns the quote and the index after it.
#[inline]
pub(super) fn skip_quote(text: &[u8], i: usize) -> (Quote, usize) {
    match text.get(i) {
        Some(b'"') => (Quote::Double, i + 1),
        Some(b'\'') => (Quote::Single, i + 1),
        Some(b'\\') if text.get(i + 1) == Some(&b'"') => (Quote::Escaped, i + 2),
        _ => (Quote::None, i),
    }
}

#[inline]
pub(super) fn skip_spaces(text: &[u8], mut i: usize) -> usize {
    let limit = i + MAX_SPACES;
    while i < limit && matches!(text.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// After a key ending at `i` (exclusive): optional closing quote, spaces, `:` `=` or
/// `=>`, spaces. Returns where the value starts.
#[inline]
pub(super) fn separator(text: &[u8], i: usize) -> Option<usize> {
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
pub(super) fn key_at(text: &[u8], at: usize, word: &[u8]) -> bool {
    let Some(candidate) = text.get(at..at + word.len()) else {
        return false;
    };
    (candidate[0] == word[0] || candidate[0] == word[0].to_ascii_uppercase())
        && candidate[1..] == word[1..]
        && (at == 0 || !is_ident(text[at - 1]))
        && !text.get(at + word.len()).is_some_and(|&b| is_ident(b))
}

/// The code whose key starts at `key` in `text`, if the text there is a code by the
/// key and value rules of [`RULES`](super::RULES), with its msg. Whether it *counts* is [`counts`](super::counts).
pub(crate) fn code_at(text: &[u8], key: usize) -> Option<Found<'_>> {
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

/// Every code in `text` that [`counts`](super::counts), in order, each with its msg. Unlike
/// [`Scanner`](super::Scanner), a code repeated on one line is returned each time.
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
pub(super) struct Keys<L: Iterator, U: Iterator> {
    lower: std::iter::Peekable<L>,
    upper: std::iter::Peekable<U>,
}

impl<L: Iterator<Item = usize>, U: Iterator<Item = usize>> Keys<L, U> {
    pub(super) fn new(lower: L, upper: U) -> Self {
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
