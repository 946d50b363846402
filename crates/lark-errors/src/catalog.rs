//! The catalog: every documented error, exact text, with its semantics.
//!
//! The entries live in one static slice sorted by code, then by document order
//! (generated into `catalog/table.rs` by `cargo xtask codegen`), so a code with several
//! entries is one contiguous sub-slice and lookup is a binary search.
//!
//! ```
//! let entries = lark_errors::lookup(40001);
//! assert_eq!(entries.len(), 2); // the page documents 40001 twice
//! assert_eq!(entries[0].message(), "market place app is not allowed to update user or department");
//!
//! let entry = lark_errors::resolve(40001, "Param Error.").unwrap();
//! assert_eq!(entry.message(), "param error");
//! ```

use std::fmt;

use crate::semantics::{Action, Category, TokenKind};
use crate::template::{MatchQuality, Template};

#[rustfmt::skip]
mod table;
mod api;
#[cfg(feature = "apis")]
pub mod text;

/// The language a page is written in (and an advice text is given in).
///
/// ```
/// use lark_errors::Language;
/// assert_eq!(Language::En.to_string(), "en");
/// assert_eq!(Language::default(), Language::Zh);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Language {
    /// Chinese (the Feishu page).
    #[default]
    Zh,
    /// English (the Lark international page).
    En,
}

impl Language {
    /// The ISO 639-1 code: `zh` or `en`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use api::{
    Api, AppType, Layer, Meaning, Method, RateLimit, Scope, UnknownMethod, Window, api_entries,
    api_pages, apis, areas, lookup_apis, meanings, resolve_with, route, route_candidates,
    route_path,
};

/// A documented error: one row of the platform's generic error-code page, or of an API
/// page's error table (then [`Entry::api`] says which API, [`Entry::http_status`] gives
/// the documented status and [`Entry::parent_code`] the code of a sub-code table).
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub(crate) code: u32,
    pub(crate) message: &'static str,
    pub(crate) advice_zh: &'static str,
    pub(crate) source: &'static Source,
    pub(crate) line: u32,
    pub(crate) english: Option<&'static English>,
    pub(crate) links: &'static [Link],
    pub(crate) category: Category,
    pub(crate) action: Action,
    pub(crate) token: Option<TokenKind>,
    pub(crate) http_status: Option<u16>,
    pub(crate) reason: &'static str,
    pub(crate) api: Option<&'static Api>,
    pub(crate) parent: Option<u32>,
    /// Which meaning of its code across API pages the entry has (0 on the generic page).
    pub(crate) meaning: u16,
}

/// The English text of an entry, from the Lark international page.
#[derive(Debug, PartialEq, Eq)]
pub struct English {
    pub(crate) message: &'static str,
    pub(crate) advice: &'static str,
    pub(crate) source: &'static Source,
    pub(crate) line: u32,
}

/// A link found in an entry's advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Link {
    /// The link text as written.
    pub text: &'static str,
    /// The target URL.
    pub url: &'static str,
}

/// A vendored page of the platform's documentation that the catalog was built from.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Source {
    /// File name under `data/sources/`.
    pub file: &'static str,
    /// The page's title.
    pub title: &'static str,
    /// Where the page is published.
    pub url: &'static str,
    /// The page's date, `YYYY-MM-DD`.
    pub updated: &'static str,
    /// The page's language.
    pub language: Language,
}

impl Entry {
    /// The error code.
    pub const fn code(&self) -> u32 {
        self.code
    }

    /// The documented `msg`, exactly as on the page; may contain `%v` / `%s`.
    pub const fn message(&self) -> &'static str {
        self.message
    }

    /// The message as a [`Template`], for matching live messages and filling values.
    pub const fn template(&self) -> Template<'static> {
        Template::new(self.message)
    }

    /// The placeholders of the message in order (`%v` or `%s`).
    pub fn placeholders(&self) -> Vec<&'static str> {
        self.template().placeholders()
    }

    /// The Chinese troubleshooting advice: markdown, exactly as on the page (each line's
    /// trailing whitespace trimmed).
    pub const fn advice_zh(&self) -> &'static str {
        self.advice_zh
    }

    /// The English advice, where the Lark international page documents the same code
    /// with the same message (compared ignoring case and punctuation).
    pub fn advice_en(&self) -> Option<&'static str> {
        self.english.map(|e| e.advice)
    }

    /// The advice in `language`, falling back to Chinese when there is no English text.
    pub fn advice(&self, language: Language) -> &'static str {
        match language {
            Language::En => self.advice_en().unwrap_or(self.advice_zh),
            Language::Zh => self.advice_zh,
        }
    }

    /// The advice to show a reader who asked for `asked` (or for nothing): the language
    /// asked for where the entry has it; with nothing asked, English where the entry has
    /// it, else Chinese. [`AdviceChoice::fell_back`] says when the language asked for was
    /// not available.
    ///
    /// ```
    /// use lark_errors::catalog::Language;
    /// let entry = &lark_errors::lookup(99991400)[0];
    /// assert_eq!(entry.advice_for(Some(Language::Zh)).language, Language::Zh);
    /// assert_eq!(entry.advice_for(None).language, Language::En);
    /// assert_eq!(entry.advice_for(None).text, entry.advice_en().unwrap());
    /// ```
    pub fn advice_for(&self, asked: Option<Language>) -> AdviceChoice {
        let (text, language) = match (asked, self.advice_en()) {
            (Some(Language::Zh), _) | (_, None) => (self.advice_zh, Language::Zh),
            (_, Some(en)) => (en, Language::En),
        };
        AdviceChoice { text, language, fell_back: asked.is_some_and(|a| a != language) }
    }

    /// The English text (message as the English page writes it, advice, page), if any.
    pub const fn english(&self) -> Option<&English> {
        self.english
    }

    /// The page the message and Chinese advice come from.
    pub const fn source(&self) -> &'static Source {
        self.source
    }

    /// The 1-based line of this entry's row in [`Entry::source`].
    pub const fn line(&self) -> u32 {
        self.line
    }

    /// The links found in the Chinese advice, in order.
    pub const fn links(&self) -> &'static [Link] {
        self.links
    }

    /// What went wrong.
    pub const fn category(&self) -> Category {
        self.category
    }

    /// What to do next.
    pub const fn action(&self) -> Action {
        self.action
    }

    /// Whether sending the request again can succeed; derived from [`Entry::action`].
    pub const fn retryable(&self) -> bool {
        self.action.is_retryable()
    }

    /// The access token the entry is about, where it is about one.
    pub const fn token(&self) -> Option<TokenKind> {
        self.token
    }

    /// The HTTP status sent with this code: as documented on its API page, or for a
    /// generic entry where it is known (for example 429 for 99991400; the generic page
    /// documents none).
    pub const fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// The API whose page documents this entry; `None` for generic entries and for
    /// entries of pages that document no request (guides).
    pub const fn api(&self) -> Option<&'static Api> {
        self.api
    }

    /// For a row of a sub-code table (`### 230099 子错误码`): the code whose `msg`
    /// carries this one.
    pub const fn parent_code(&self) -> Option<u32> {
        self.parent
    }

    /// Whether the entry comes from the generic error-code page.
    pub fn is_generic(&self) -> bool {
        std::ptr::eq(self.source, &table::SOURCES[0])
    }

    /// Why the entry has its category and action: the reason of the rule or per-code
    /// decision in `data/semantics.toml` that classified it.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }

    /// The message with its placeholders filled from `values`, in order.
    pub fn render_message(&self, values: &[&str]) -> String {
        self.template().fill(values)
    }

    /// The error body the platform would send for this entry, `{"code":..,"msg":..}`,
    /// with the placeholders filled from `values`. Useful for mock servers and tests.
    ///
    /// ```
    /// let entry = &lark_errors::lookup(99991401)[0];
    /// assert_eq!(
    ///     entry.render_body(&["10.0.0.1"]),
    ///     r#"{"code":99991401,"msg":"ip 10.0.0.1 is denied by app setting"}"#
    /// );
    /// ```
    pub fn render_body(&self, values: &[&str]) -> String {
        let msg = self.render_message(values);
        let mut out = String::with_capacity(msg.len() + 32);
        out.push_str("{\"code\":");
        out.push_str(&self.code.to_string());
        out.push_str(",\"msg\":");
        push_json_string(&mut out, &msg);
        out.push('}');
        out
    }
}

impl English {
    /// The message as the English page writes it (may differ in case or punctuation).
    pub const fn message(&self) -> &'static str {
        self.message
    }

    /// The English troubleshooting advice, markdown as written.
    pub const fn advice(&self) -> &'static str {
        self.advice
    }

    /// The English page.
    pub const fn source(&self) -> &'static Source {
        self.source
    }

    /// The 1-based line of the row in the English page.
    pub const fn line(&self) -> u32 {
        self.line
    }
}

impl fmt::Display for Entry {
    /// `99991663 Invalid access token for authorization...`: code and message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.message)
    }
}

/// Every entry, sorted by code, then document order.
///
/// ```
/// let all = lark_errors::entries();
/// assert!(all.windows(2).all(|w| w[0].code() <= w[1].code()));
/// ```
pub fn entries() -> &'static [Entry] {
    &table::ENTRIES
}

/// The pages the catalog was built from: the Chinese page first, then the English one.
pub fn sources() -> &'static [Source] {
    &table::SOURCES
}

/// All entries for `code`, in document order; empty when the code is not documented.
///
/// ```
/// assert_eq!(lark_errors::lookup(99991663).len(), 1);
/// assert!(lark_errors::lookup(12345).is_empty());
/// ```
pub fn lookup(code: u32) -> &'static [Entry] {
    let codes = &table::CODES;
    let start = codes.partition_point(|&c| c < code);
    // A code has at most a few entries: scanning beats a second binary search.
    let len = codes[start..].iter().take_while(|&&c| c == code).count();
    &table::ENTRIES[start..start + len]
}

/// Whether some page documents `code`: the generic page ([`lookup`]) or any API page
/// ([`lookup_apis`]; without the `apis` feature, the generic page only).
///
/// ```
/// assert!(lark_errors::is_documented(99991400)); // the generic page
/// assert!(lark_errors::lookup(230002).is_empty());
/// assert!(lark_errors::is_documented(230002)); // only IM API pages document it
/// assert!(!lark_errors::is_documented(7777001));
/// ```
pub fn is_documented(code: u32) -> bool {
    !lookup(code).is_empty() || !lookup_apis(code).is_empty()
}

/// The single best entry for `code` given the live `msg`; `None` for an undocumented
/// code. See [`resolve_match`] for how it chooses.
///
/// ```
/// let e = lark_errors::resolve(99992364, "user id cross tenant.").unwrap();
/// assert_eq!(e.advice_zh(), "不能使用其他租户下的user_id，请检查后重试");
/// ```
pub fn resolve(code: u32, msg: &str) -> Option<&'static Entry> {
    let entries = lookup(code);
    match entries {
        [] => None,
        [only] => Some(only),
        _ => resolve_match(code, msg).map(|r| r.entry),
    }
}

/// The entry a live message resolved to, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolution<'l> {
    /// The chosen entry.
    pub entry: &'static Entry,
    /// How well the live message matched the entry's template; `None` when it did not
    /// match and the entry was chosen because it is the code's only (or first) entry.
    pub quality: Option<MatchQuality>,
    /// The placeholder values found in the live message (empty without a match).
    pub values: Vec<&'l str>,
    /// The catalog layer the entry came from.
    pub layer: Layer,
    /// The entry of the sub-code the live message carries (`ext=ErrCode: 11310; ...`),
    /// from the sub-code table of [`entry`](Self::entry)'s code; see [`resolve_with`].
    pub sub: Option<&'static Entry>,
}

impl Resolution<'_> {
    /// A resolution with no match: `entry` is the best evidence left.
    pub(crate) fn unmatched(entry: &'static Entry, layer: Layer) -> Self {
        Resolution { entry, quality: None, values: Vec::new(), layer, sub: None }
    }
}

/// Resolves `code` and a live `msg` to the best entry, with the match details.
///
/// Each of the code's entries is matched against `msg` (see [`Template::matches`]):
/// the best match quality wins, then the most literal template text, then document
/// order. When nothing matches, the code's first entry is returned with no quality: a
/// documented code is still the best evidence even when its live text has drifted.
///
/// ```
/// use lark_errors::template::MatchQuality;
///
/// let r = lark_errors::resolve_match(40008, "open_id ou_123 is not exist").unwrap();
/// assert_eq!(r.entry.message(), "open_id %v is not exist");
/// assert_eq!(r.quality, Some(MatchQuality::Exact));
/// assert_eq!(r.values, ["ou_123"]);
/// ```
pub fn resolve_match(code: u32, msg: &str) -> Option<Resolution<'_>> {
    let entries = lookup(code);
    let first = entries.first()?;
    let best = entries.iter().filter_map(|e| e.template().matches(msg).map(|m| (e, m))).max_by(
        |(_, a), (_, b)| {
            // `max_by` keeps the last of equals; compare reversed positions so ties go
            // to document order.
            (a.quality, a.literal_len)
                .cmp(&(b.quality, b.literal_len))
                .then(std::cmp::Ordering::Greater)
        },
    );
    Some(match best {
        Some((entry, m)) => Resolution {
            entry,
            quality: Some(m.quality),
            values: m.values,
            layer: Layer::Generic,
            sub: None,
        },
        None => Resolution::unmatched(first, Layer::Generic),
    })
}

/// Appends `s` as a JSON string literal.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(feature = "serde")]
mod serde_impls {
    use serde::Serialize;
    use serde::ser::{SerializeStruct, Serializer};

    use super::{Entry, Link, Source};

    impl Serialize for Entry {
        /// The entry object (README, "JSON"): `{code, message, placeholders, advice_zh,
        /// advice_en, category, action, retryable, token, links}`, plus `http_status`,
        /// `reason`, `source` (page file and line) for auditing; on per-API entries also
        /// `api` (`{method, path}`; absent on pages without an API) and, on sub-code rows,
        /// `parent_code`.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Entry", 15)?;
            s.serialize_field("code", &self.code)?;
            s.serialize_field("message", self.message)?;
            s.serialize_field("placeholders", &self.placeholders())?;
            s.serialize_field("advice_zh", self.advice_zh)?;
            s.serialize_field("advice_en", &self.advice_en())?;
            s.serialize_field("category", &self.category)?;
            s.serialize_field("action", &self.action)?;
            s.serialize_field("retryable", &self.retryable())?;
            s.serialize_field("token", &self.token)?;
            s.serialize_field("links", self.links)?;
            s.serialize_field("http_status", &self.http_status)?;
            s.serialize_field("reason", self.reason)?;
            s.serialize_field(
                "source",
                &SourceRef {
                    file: self.source.file,
                    line: self.line,
                    updated: self.source.updated,
                },
            )?;
            // Per-API fields appear on per-API entries only, so a generic entry's JSON
            // is what it always was.
            match self.api {
                Some(a) => {
                    s.serialize_field("api", &ApiRef { method: a.method.as_str(), path: a.path })?
                }
                None => s.skip_field("api")?,
            }
            match self.parent {
                Some(p) => s.serialize_field("parent_code", &p)?,
                None => s.skip_field("parent_code")?,
            }
            s.end()
        }
    }

    #[derive(Serialize)]
    struct ApiRef {
        method: &'static str,
        path: &'static str,
    }

    #[derive(Serialize)]
    struct SourceRef {
        file: &'static str,
        line: u32,
        updated: &'static str,
    }

    impl Serialize for Link {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Link", 2)?;
            s.serialize_field("text", self.text)?;
            s.serialize_field("url", self.url)?;
            s.end()
        }
    }

    impl Serialize for Source {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Source", 5)?;
            s.serialize_field("file", self.file)?;
            s.serialize_field("title", self.title)?;
            s.serialize_field("url", self.url)?;
            s.serialize_field("updated", self.updated)?;
            s.serialize_field("language", self.language.as_str())?;
            s.end()
        }
    }
}

/// The advice chosen for a reader by [`Entry::advice_for`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AdviceChoice {
    /// The advice, markdown, exact.
    pub text: &'static str,
    /// The language of [`text`](Self::text).
    pub language: Language,
    /// The language asked for was not available, so this is the other one.
    pub fell_back: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_by_code_then_document_order() {
        assert!(entries().windows(2).all(|w| (w[0].code, w[0].line) < (w[1].code, w[1].line)));
        let codes: Vec<u32> = entries().iter().map(|e| e.code).collect();
        assert_eq!(codes, table::CODES, "the code index matches the entries");
    }

    #[test]
    fn lookup_finds_every_code_and_nothing_else() {
        for e in entries() {
            let found = lookup(e.code);
            assert!(found.iter().any(|f| std::ptr::eq(f, e)));
            assert!(found.iter().all(|f| f.code == e.code));
        }
        for code in [0, 1, 599, 601, 99_999_999, u32::MAX] {
            assert!(lookup(code).is_empty(), "{code}");
        }
    }

    #[test]
    fn render_body_escapes_json() {
        let e = &lookup(99991401)[0];
        assert_eq!(
            e.render_body(&["\"quoted\"\n"]),
            r#"{"code":99991401,"msg":"ip \"quoted\"\n is denied by app setting"}"#
        );
        // Every other control character as \u escapes; the rest as it is.
        assert_eq!(
            e.render_body(&["\\\r\t\u{1}\u{1f} \u{7f}é"]),
            "{\"code\":99991401,\"msg\":\"ip \\\\\\r\\t\\u0001\\u001f \u{7f}é is denied by app setting\"}"
        );
    }

    #[test]
    fn languages_entries_and_their_display() {
        assert_eq!((Language::Zh.as_str(), Language::En.as_str()), ("zh", "en"));
        assert_eq!(Language::Zh.to_string() + &Language::En.to_string(), "zhen");
        let e = &lookup(99991663)[0];
        assert_eq!(e.to_string(), format!("99991663 {}", e.message()));
        for e in entries() {
            assert!(e.is_generic(), "{e}");
            assert_eq!(e.advice(Language::Zh), e.advice_zh());
            assert_eq!(e.advice(Language::En), e.advice_en().unwrap_or(e.advice_zh()));
        }
        assert!(entries().iter().any(|e| e.advice_en().is_none()));
        assert!(entries().iter().any(|e| e.advice_en().is_some()));
    }

    #[test]
    fn advice_for_prefers_what_was_asked_then_english() {
        for entry in super::entries() {
            let zh = entry.advice_for(Some(Language::Zh));
            assert_eq!(
                (zh.text, zh.language, zh.fell_back),
                (entry.advice_zh(), Language::Zh, false)
            );
            let en = entry.advice_for(Some(Language::En));
            let none = entry.advice_for(None);
            match entry.advice_en() {
                Some(text) => {
                    assert_eq!((en.text, en.language, en.fell_back), (text, Language::En, false));
                    assert_eq!(
                        (none.text, none.language, none.fell_back),
                        (text, Language::En, false)
                    );
                }
                None => {
                    assert_eq!(
                        (en.text, en.language, en.fell_back),
                        (entry.advice_zh(), Language::Zh, true)
                    );
                    assert_eq!((none.text, none.fell_back), (entry.advice_zh(), false));
                }
            }
        }
    }
}
