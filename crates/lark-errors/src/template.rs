//! Message templates: documented `msg` strings with `%v` / `%s` placeholders.
//!
//! Live messages differ from the documented ones in ways that do not change their
//! meaning: other ASCII casing, surrounding whitespace, a trailing period, extra text
//! appended (a sentence, Chinese text, a link), placeholders filled in. [`Template::matches`]
//! tolerates all of these and says how well the message matched, so that a caller can
//! prefer the best of several candidate templates.
//!
//! ```
//! use lark_errors::template::{MatchQuality, Template};
//!
//! let t = Template::new("ip %s is denied by app setting");
//! let m = t.matches("IP 8.8.8.8 is denied by app setting.").unwrap();
//! assert_eq!(m.quality, MatchQuality::Exact);
//! assert_eq!(m.values, ["8.8.8.8"]);
//! ```

use std::fmt;

/// Live messages longer than this are matched on their first `MAX_MATCH_LEN` bytes only
/// (cut on a character boundary): documented messages are short, and this bounds the
/// work on hostile input. The diagnosis reads a message's words, embedded code and
/// bracketed scopes within the same bytes.
///
/// ```
/// use lark_errors::template::{MAX_MATCH_LEN, Template};
///
/// let t = Template::new("internal error");
/// let near = format!("{}internal error", "~".repeat(MAX_MATCH_LEN - 20));
/// let far = format!("{}internal error", "~".repeat(MAX_MATCH_LEN));
/// assert!(t.matches(&near).is_some());
/// assert!(t.matches(&far).is_none());
/// ```
pub const MAX_MATCH_LEN: usize = 4096;

/// A documented message, possibly containing `%v` / `%s` placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Template<'t> {
    text: &'t str,
}

/// How well a live message matched a template, from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum MatchQuality {
    /// The template occurs inside the live message, after some leading text.
    Contains,
    /// The live message starts with the template and goes on (extra sentences, links).
    Prefix,
    /// The live message is the template (ignoring case, surrounding whitespace and
    /// trailing punctuation), placeholders filled.
    Exact,
}

impl MatchQuality {
    /// The snake_case name: `exact`, `prefix` or `contains`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MatchQuality::Contains => "contains",
            MatchQuality::Prefix => "prefix",
            MatchQuality::Exact => "exact",
        }
    }
}

impl fmt::Display for MatchQuality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successful match of a live message against a template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TemplateMatch<'l> {
    /// How well it matched.
    pub quality: MatchQuality,
    /// The text each placeholder stood for, in order, as slices of the live message.
    pub values: Vec<&'l str>,
    /// Bytes of the template's literal text that were found in the live message: among
    /// matches of equal quality, more literal text is the more specific match.
    pub literal_len: usize,
}

impl<'t> Template<'t> {
    /// Wraps a documented message.
    pub const fn new(text: &'t str) -> Template<'t> {
        Template { text }
    }

    /// The message as documented.
    pub const fn as_str(&self) -> &'t str {
        self.text
    }

    /// The placeholders in order, as written (`%v` or `%s`).
    ///
    /// ```
    /// # use lark_errors::template::Template;
    /// assert_eq!(Template::new("invalid next parameter:%s").placeholders(), ["%s"]);
    /// assert!(Template::new("internal error").placeholders().is_empty());
    /// ```
    pub fn placeholders(&self) -> Vec<&'t str> {
        placeholder_spans(self.text).map(|at| &self.text[at..at + 2]).collect()
    }

    /// Whether the message has at least one placeholder.
    pub fn has_placeholders(&self) -> bool {
        placeholder_spans(self.text).next().is_some()
    }

    /// Replaces the placeholders with `values`, in order. A placeholder with no value
    /// left is kept as written.
    ///
    /// ```
    /// # use lark_errors::template::Template;
    /// let t = Template::new("ip %s is denied by app setting");
    /// assert_eq!(t.fill(&["10.0.0.1"]), "ip 10.0.0.1 is denied by app setting");
    /// assert_eq!(t.fill(&[]), "ip %s is denied by app setting");
    /// ```
    pub fn fill(&self, values: &[&str]) -> String {
        let mut out =
            String::with_capacity(self.text.len() + values.iter().map(|v| v.len()).sum::<usize>());
        let mut values = values.iter();
        let mut last = 0;
        for at in placeholder_spans(self.text) {
            out.push_str(&self.text[last..at]);
            match values.next() {
                Some(v) => out.push_str(v),
                None => out.push_str(&self.text[at..at + 2]),
            }
            last = at + 2;
        }
        out.push_str(&self.text[last..]);
        out
    }

    /// Matches a live message against this template; `None` when it does not match.
    ///
    /// ```
    /// use lark_errors::template::{MatchQuality, Template};
    ///
    /// let t = Template::new("token expire");
    /// assert_eq!(t.matches(" Token Expire. ").unwrap().quality, MatchQuality::Exact);
    /// assert_eq!(t.matches("token expired, 请重新获取").unwrap().quality, MatchQuality::Prefix);
    /// assert_eq!(t.matches("auth: token expire").unwrap().quality, MatchQuality::Contains);
    /// assert!(t.matches("expired token").is_none());
    /// ```
    pub fn matches<'l>(&self, live: &'l str) -> Option<TemplateMatch<'l>> {
        let live = normalize(truncate(live, MAX_MATCH_LEN));
        let template = normalize(self.text);
        if template.is_empty() {
            return None;
        }
        let literals: Vec<&str> = split_literals(template).collect();
        let literal_len = literals.iter().map(|l| l.len()).sum();
        if let Some((end, values)) = match_from(&literals, live, 0) {
            let quality =
                if end == live.len() { MatchQuality::Exact } else { MatchQuality::Prefix };
            return Some(TemplateMatch { quality, values, literal_len });
        }
        // Inside: the first literal's first occurrence after the start. Only that one can
        // match: each later literal is searched for forward, so if the rest is not found
        // after the first occurrence it is not found after a later one either.
        let first = literals[0];
        if first.is_empty() {
            return None;
        }
        let at = find_ascii_ci(live.as_bytes().get(1..)?, first.as_bytes())?;
        let (_, values) = match_from(&literals, live, 1 + at)?;
        Some(TemplateMatch { quality: MatchQuality::Contains, values, literal_len })
    }
}

impl fmt::Display for Template<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// Byte offsets of each `%v` / `%s` in `text`.
fn placeholder_spans(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 1 < bytes.len() {
            let at = i;
            i += 1;
            if bytes[at] == b'%' && matches!(bytes[at + 1], b'v' | b's') {
                i = at + 2;
                return Some(at);
            }
        }
        None
    })
}

/// The literal text between placeholders: always one more than the placeholder count.
fn split_literals(text: &str) -> impl Iterator<Item = &str> {
    let mut last = 0;
    let mut spans = placeholder_spans(text);
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match spans.next() {
            Some(at) => {
                let lit = &text[last..at];
                last = at + 2;
                Some(lit)
            }
            None => {
                done = true;
                Some(&text[last..])
            }
        }
    })
}

/// Matches `literals` (with a placeholder between each two) starting exactly at `start`
/// of `live`; returns the end of the match and the placeholder values.
fn match_from<'l>(literals: &[&str], live: &'l str, start: usize) -> Option<(usize, Vec<&'l str>)> {
    let bytes = live.as_bytes();
    let (first, rest) = literals.split_first()?;
    if !starts_with_ascii_ci(bytes.get(start..)?, first.as_bytes()) {
        return None;
    }
    let mut pos = start + first.len();
    let mut values = Vec::with_capacity(rest.len());
    for (i, lit) in rest.iter().enumerate() {
        let is_last = i + 1 == rest.len();
        if lit.is_empty() {
            // A trailing placeholder takes the rest; two adjacent ones cannot be split.
            let end = if is_last { live.len() } else { pos };
            values.push(&live[pos..end]);
            pos = end;
            continue;
        }
        let at = find_ascii_ci(&bytes[pos..], lit.as_bytes())?;
        values.push(&live[pos..pos + at]);
        pos += at + lit.len();
    }
    Some((pos, values))
}

/// Trims whitespace and trailing punctuation, which live messages add or drop freely.
pub(crate) fn normalize(text: &str) -> &str {
    text.trim().trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '.' | '。' | '!' | '！' | '?' | '？' | ';' | '；' | ',' | '，')
    })
}

/// `text` cut to at most `max` bytes, on a character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn starts_with_ascii_ci(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

/// ASCII-case-insensitive substring search. Folding only ASCII keeps byte offsets of the
/// original text valid, and a match can only start on a UTF-8 character boundary
/// because the needle is itself valid UTF-8.
pub(crate) fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    let first = needle[0].to_ascii_lowercase();
    let last_start = haystack.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&i| {
        haystack[i].to_ascii_lowercase() == first
            && haystack[i..i + needle.len()].eq_ignore_ascii_case(needle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_starts_after_the_start_and_takes_the_first_occurrence() {
        let t = Template::new("token expire");
        // The first occurrence at 0 is only a near miss; the one after is a match.
        let m = t.matches("token expir; token expire").unwrap();
        assert_eq!(m.quality, MatchQuality::Contains);
        let t = Template::new("app %v is not found");
        let m = t.matches("auth: app cli_1 is not found").unwrap();
        assert_eq!((m.quality, m.values), (MatchQuality::Contains, vec!["cli_1"]));
        // Several occurrences of the first literal: the first one is the match.
        let m = t.matches("x app a app b is not found").unwrap();
        assert_eq!(m.values, ["a app b"]);
        assert!(t.matches("x app a is found").is_none());
        assert!(t.matches("").is_none());
        assert!(Template::new("%v").matches("").is_some());
    }

    #[test]
    fn words_and_display() {
        assert_eq!(MatchQuality::Contains.to_string(), "contains");
        assert_eq!(MatchQuality::Prefix.as_str(), "prefix");
        assert_eq!(MatchQuality::Exact.to_string(), "exact");
        let t = Template::new("ip %s is denied");
        assert_eq!((t.to_string(), t.as_str()), ("ip %s is denied".to_owned(), "ip %s is denied"));
        assert!(t.has_placeholders());
        assert!(!Template::new("100%").has_placeholders());
        assert_eq!(Template::new("a %v b %s").placeholders(), ["%v", "%s"]);
        assert_eq!(Template::new("a %v b %s").fill(&["1"]), "a 1 b %s");
    }

    #[test]
    fn truncation_and_search_helpers() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc");
        assert_eq!(truncate("a你", 2), "a");
        assert_eq!(find_ascii_ci(b"xxABc", b"abc"), Some(2));
        assert_eq!(find_ascii_ci(b"ab", b"abc"), None);
        assert_eq!(find_ascii_ci(b"ab", b""), Some(0));
        assert_eq!(find_ascii_ci(b"abd abc", b"abc"), Some(4));
        assert!(starts_with_ascii_ci(b"ABCd", b"abc"));
        assert!(!starts_with_ascii_ci(b"ab", b"abc"));
        assert_eq!(normalize("  done.。! "), "done");
    }

    #[test]
    fn exact_with_values() {
        let t = Template::new("these ids not existed: %v");
        let m = t.matches("these ids not existed: [ou_1 ou_2]").unwrap();
        assert_eq!(m.quality, MatchQuality::Exact);
        assert_eq!(m.values, ["[ou_1 ou_2]"]);
    }

    #[test]
    fn leading_placeholder() {
        let t = Template::new("%v is not valid");
        let m = t.matches("ou_abc is not valid").unwrap();
        assert_eq!((m.quality, m.values), (MatchQuality::Exact, vec!["ou_abc"]));
        assert!(t.matches("ou_abc is valid").is_none());
    }

    #[test]
    fn adjacent_and_unfilled_placeholders() {
        let t = Template::new("a %v%v b");
        let m = t.matches("a xy b").unwrap();
        assert_eq!(m.values, ["", "xy"]);
        assert_eq!(Template::new("x %v").fill(&["1", "2"]), "x 1");
    }

    #[test]
    fn trailing_punctuation_on_either_side() {
        let t = Template::new("Tenant access token is invalid.");
        assert_eq!(
            t.matches("tenant access token is invalid").unwrap().quality,
            MatchQuality::Exact
        );
        let t = Template::new("internal error");
        assert_eq!(t.matches("Internal Error!").unwrap().quality, MatchQuality::Exact);
    }

    #[test]
    fn percent_that_is_not_a_placeholder() {
        let t = Template::new("100% done %d");
        assert!(t.placeholders().is_empty());
        assert_eq!(t.matches("100% DONE %d").unwrap().quality, MatchQuality::Exact);
    }

    #[test]
    fn empty_and_non_ascii() {
        assert!(Template::new("").matches("anything").is_none());
        assert!(Template::new("x").matches("").is_none());
        let t = Template::new("具体错误信息");
        assert_eq!(t.matches("具体错误信息。").unwrap().quality, MatchQuality::Exact);
        assert!(Template::new("é").matches("É").is_none());
    }

    #[test]
    fn long_input_is_bounded() {
        let live = "a".repeat(1 << 20);
        assert!(Template::new("b %v").matches(&live).is_none());
        let live = format!("{}é", "a".repeat(MAX_MATCH_LEN - 1));
        assert!(Template::new("é").matches(&live).is_none());
    }
}
