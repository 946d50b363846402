//! What changed between two copies of the error-code page, and what a copy contains.
//!
//! The platform revises its error-code page every few months. This module answers the
//! maintainer's two questions about a new copy:
//!
//! - [`check`]: does it parse, and what is in it (title, date, rows, distinct and
//!   duplicated codes, templated messages, every problem with its line)?
//! - [`compare`]: what changed since the old copy (codes added and removed, messages
//!   and advice changed, duplicates gained and lost), with the changes that are only
//!   formatting ([`Cosmetic`]) kept apart so they do not hide the real ones?
//!
//! Rows are paired by code; the entries of a duplicated code are paired by message
//! (ignoring case and punctuation), then the leftovers in document order. Advice is
//! compared only when both pages are in the same [`Language`]: a Chinese and an English
//! page document the same codes in different words, so across languages only codes and
//! messages are compared ([`Diff::advice_compared`] says which).
//!
//! The same questions for a folder of API pages are [`check_api_pages`] and
//! [`compare_api_pages`] (module [`crate::api_diff`]).
//!
//! Everything here is pure (no I/O) and never panics, whatever the input.
//!
//! ```
//! use lark_errors_page::diff;
//! use lark_errors_page::doc::Document;
//!
//! let old = Document::parse("a | b | c\n--- | --- | ---\n600 | gone | 请重试\n700 | x | 旧建议\n")?;
//! let new = Document::parse("a | b | c\n--- | --- | ---\n700 | x | 新建议\n800 | new | 新的\n")?;
//! let d = diff::compare(&old, &new);
//! assert_eq!(d.added[0].code, 800);
//! assert_eq!(d.removed[0].code, 600);
//! assert_eq!(d.advice_changed[0].old, "旧建议");
//! assert_eq!(d.advice_changed[0].new, "新建议");
//! # Ok::<(), lark_errors_page::doc::DocError>(())
//! ```

use std::collections::BTreeMap;

pub use crate::api_diff::{ApiDiff, ApisCheckReport, check_api_pages, compare_api_pages};
use crate::doc::{Date, Document, Language, Metadata, Row, TableStyle, message_key};
use lark_errors::template::Template;

/// What a page contains: the numbers `larkerr doc check` reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PageSummary {
    /// `title` from the front matter.
    pub title: Option<String>,
    /// `source_url` (or `url`) from the front matter.
    pub source_url: Option<String>,
    /// The page's date, `YYYY-MM-DD` in JSON.
    #[serde(serialize_with = "ser::date")]
    pub updated: Option<Date>,
    /// The page's language (`zh` or `en` in JSON), from the front matter or the text.
    #[serde(serialize_with = "ser::language")]
    pub language: Language,
    /// The table style (`bare` or `bordered` in JSON).
    #[serde(serialize_with = "ser::style")]
    pub style: TableStyle,
    /// How many rows the table has, duplicates included.
    pub rows: usize,
    /// How many different codes the rows document.
    pub distinct_codes: usize,
    /// The codes documented by more than one row, by code.
    pub duplicated: Vec<Duplicated>,
    /// How many rows have a message with `%v` / `%s` placeholders.
    pub templated_messages: usize,
}

/// A code documented by more than one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Duplicated {
    /// The code.
    pub code: u32,
    /// The 1-based lines of its rows, in document order (at least two).
    pub lines: Vec<usize>,
}

/// A problem found in a page, with its line, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Problem {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
}

/// The result of [`check`]: the page's summary and every problem found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CheckReport {
    /// What the page contains (counting only the rows that parsed).
    pub summary: PageSummary,
    /// Every problem (malformed rows, non-numeric codes, rows outside the table, ...),
    /// sorted by line; empty when the page parses cleanly.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    /// Whether the page parsed without any problem.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Parses a page leniently and reports what it contains and everything wrong with it.
///
/// ```
/// let page = "a | b | c\n--- | --- | ---\n600 | x %v | y\n600 | z | w\nabc | bad | code\n";
/// let report = lark_errors_page::diff::check(page);
/// assert_eq!(report.summary.rows, 2);
/// assert_eq!(report.summary.distinct_codes, 1);
/// assert_eq!(report.summary.duplicated[0].lines, [3, 4]);
/// assert_eq!(report.summary.templated_messages, 1);
/// assert_eq!(report.problems[0].line, 5);
/// assert!(!report.is_clean());
/// ```
pub fn check(text: &str) -> CheckReport {
    let (doc, problems) = Document::parse_lenient(text);
    CheckReport {
        summary: summarize(&doc),
        problems: problems
            .into_iter()
            .map(|p| Problem { line: p.line, message: p.kind.to_string() })
            .collect(),
    }
}

/// The summary of an already parsed page.
pub fn summarize(doc: &Document) -> PageSummary {
    let mut lines_by_code: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for row in &doc.rows {
        lines_by_code.entry(row.code).or_default().push(row.line);
    }
    let Metadata { title, source_url, updated, language } = doc.metadata.clone();
    PageSummary {
        title,
        source_url,
        updated,
        language,
        style: doc.style,
        rows: doc.rows.len(),
        distinct_codes: lines_by_code.len(),
        duplicated: lines_by_code
            .into_iter()
            .filter(|(_, lines)| lines.len() > 1)
            .map(|(code, lines)| Duplicated { code, lines })
            .collect(),
        templated_messages: doc
            .rows
            .iter()
            .filter(|r| Template::new(&r.message).has_placeholders())
            .count(),
    }
}

/// The built-in catalog as a page: the rows of the page it was generated from, in
/// document order, with that page's metadata. Compare it with a newer copy to see what
/// the installed catalog misses.
///
/// ```
/// let page = lark_errors_page::diff::builtin_page();
/// assert_eq!(page.rows.len(), lark_errors::entries().len());
/// assert!(page.rows.windows(2).all(|w| w[0].line < w[1].line));
/// ```
pub fn builtin_page() -> Document {
    let source = lark_errors::sources().first();
    let mut rows: Vec<Row> = lark_errors::entries()
        .iter()
        .map(|e| Row {
            line: e.line() as usize,
            code: e.code(),
            message: e.message().to_owned(),
            advice: e.advice_zh().to_owned(),
        })
        .collect();
    rows.sort_by_key(|r| (r.line, r.code));
    Document {
        metadata: Metadata {
            title: source.map(|s| s.title.to_owned()).filter(|t| !t.is_empty()),
            source_url: source.map(|s| s.url.to_owned()).filter(|u| !u.is_empty()),
            updated: source.and_then(|s| Date::parse(s.updated)),
            language: source.map_or(Language::Zh, |s| s.language),
        },
        style: TableStyle::Bare,
        rows,
    }
}

/// Everything that changed from one page to another. Every list is sorted by code,
/// then line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Diff {
    /// What the old page contains.
    pub old: PageSummary,
    /// What the new page contains.
    pub new: PageSummary,
    /// Whether advice was compared: only when both pages are in the same language.
    pub advice_compared: bool,
    /// Codes the new page documents and the old one does not.
    pub added: Vec<CodeRows>,
    /// Codes the old page documents and the new one does not.
    pub removed: Vec<CodeRows>,
    /// Paired entries whose message changed in more than formatting.
    pub message_changed: Vec<MessageChange>,
    /// Paired entries whose advice changed in more than formatting (empty unless
    /// [`Diff::advice_compared`]).
    pub advice_changed: Vec<AdviceChange>,
    /// Codes in both pages that the new page documents with more rows.
    pub duplicates_gained: Vec<DuplicateChange>,
    /// Codes in both pages that the new page documents with fewer rows.
    pub duplicates_lost: Vec<DuplicateChange>,
    /// Paired entries whose message or advice changed only in formatting.
    pub cosmetic: Vec<CosmeticChange>,
}

impl Diff {
    /// Whether anything other than cosmetic changes was found.
    pub fn has_changes(&self) -> bool {
        !(self.added.is_empty()
            && self.removed.is_empty()
            && self.message_changed.is_empty()
            && self.advice_changed.is_empty()
            && self.duplicates_gained.is_empty()
            && self.duplicates_lost.is_empty())
    }
}

/// A code and its rows on one page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CodeRows {
    /// The code.
    pub code: u32,
    /// Its rows, in document order.
    pub rows: Vec<RowText>,
}

/// One row's text and where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RowText {
    /// 1-based line of the row in its page.
    pub line: usize,
    /// The documented message.
    pub message: String,
    /// The advice, markdown as written.
    pub advice: String,
}

impl RowText {
    fn of(row: &Row) -> RowText {
        RowText { line: row.line, message: row.message.clone(), advice: row.advice.clone() }
    }
}

/// A message that changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct MessageChange {
    /// The code.
    pub code: u32,
    /// Line of the row in the old page.
    pub old_line: usize,
    /// Line of the row in the new page.
    pub new_line: usize,
    /// The old message.
    pub old: String,
    /// The new message.
    pub new: String,
}

/// Advice that changed, with a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AdviceChange {
    /// The code.
    pub code: u32,
    /// The entry's message on the new page (tells a duplicated code's entries apart).
    pub message: String,
    /// Line of the row in the old page.
    pub old_line: usize,
    /// Line of the row in the new page.
    pub new_line: usize,
    /// The old advice.
    pub old: String,
    /// The new advice.
    pub new: String,
    /// The word-level diff from old to new, see [`word_diff`].
    pub words: Vec<WordChange>,
}

/// A code in both pages documented by a different number of rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct DuplicateChange {
    /// The code.
    pub code: u32,
    /// How many rows the old page has for it.
    pub old_count: usize,
    /// How many rows the new page has for it.
    pub new_count: usize,
    /// The rows without a partner: the new page's extra rows for
    /// [`Diff::duplicates_gained`], the old page's missing ones for
    /// [`Diff::duplicates_lost`].
    pub rows: Vec<RowText>,
}

/// Which text of an entry a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// The message.
    Message,
    /// The advice.
    Advice,
    /// The Chinese description an API page's table gives besides the English `msg`
    /// ([`crate::api::ErrorRow::description`]); compared like a message.
    Description,
}

impl Field {
    /// `message`, `advice` or `description`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Message => "message",
            Field::Advice => "advice",
            Field::Description => "description",
        }
    }
}

/// A kind of difference that does not change what the text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cosmetic {
    /// Whitespace added, removed or changed anywhere (spaces, line breaks).
    Whitespace,
    /// Letter case (messages only).
    Case,
    /// Punctuation at the end (messages only): `Param Error.` vs `param error`.
    TrailingPunctuation,
    /// The query string of a help-desk link (`applink.*/client/helpdesk/open?...`).
    HelpdeskQuery,
    /// The docs host: `open.feishu.cn` vs `open.larksuite.com`, `applink.feishu.cn`
    /// vs `applink.larksuite.com`.
    DocsHost,
}

impl Cosmetic {
    /// The snake_case name, as in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Cosmetic::Whitespace => "whitespace",
            Cosmetic::Case => "case",
            Cosmetic::TrailingPunctuation => "trailing_punctuation",
            Cosmetic::HelpdeskQuery => "helpdesk_query",
            Cosmetic::DocsHost => "docs_host",
        }
    }

    /// A few words for people: `help-desk link query`.
    pub const fn describe(self) -> &'static str {
        match self {
            Cosmetic::Whitespace => "whitespace",
            Cosmetic::Case => "letter case",
            Cosmetic::TrailingPunctuation => "trailing punctuation",
            Cosmetic::HelpdeskQuery => "help-desk link query",
            Cosmetic::DocsHost => "docs host",
        }
    }

    /// The kinds considered for a field, in the order they are tried.
    const fn for_field(field: Field) -> &'static [Cosmetic] {
        match field {
            Field::Message | Field::Description => {
                &[Cosmetic::Whitespace, Cosmetic::Case, Cosmetic::TrailingPunctuation]
            }
            Field::Advice => &[Cosmetic::Whitespace, Cosmetic::HelpdeskQuery, Cosmetic::DocsHost],
        }
    }
}

/// A change in formatting only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CosmeticChange {
    /// The code.
    pub code: u32,
    /// Which text changed.
    pub field: Field,
    /// The fewest kinds of formatting that explain the whole difference.
    pub kinds: Vec<Cosmetic>,
    /// Line of the row in the old page.
    pub old_line: usize,
    /// Line of the row in the new page.
    pub new_line: usize,
    /// The old text.
    pub old: String,
    /// The new text.
    pub new: String,
}

/// How two versions of a text differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextChange {
    /// Byte for byte the same.
    Same,
    /// Different only in formatting: the fewest kinds that explain the difference.
    Cosmetic(Vec<Cosmetic>),
    /// Different in what it says.
    Changed,
}

/// Classifies the difference between two versions of a message or an advice.
///
/// Messages may differ cosmetically in whitespace, case and trailing punctuation;
/// advice in whitespace, help-desk link query strings and docs host. Anything else is
/// a real change.
///
/// ```
/// use lark_errors_page::diff::{Cosmetic, Field, TextChange, classify_text};
///
/// assert_eq!(classify_text(Field::Message, "Param Error.", "param error"),
///            TextChange::Cosmetic(vec![Cosmetic::Case, Cosmetic::TrailingPunctuation]));
/// assert_eq!(
///     classify_text(Field::Advice, "见 [文档](https://open.feishu.cn/x)", "见[文档](https://open.larksuite.com/x)"),
///     TextChange::Cosmetic(vec![Cosmetic::Whitespace, Cosmetic::DocsHost]),
/// );
/// assert_eq!(classify_text(Field::Advice, "请重试", "请勿重试"), TextChange::Changed);
/// ```
pub fn classify_text(field: Field, old: &str, new: &str) -> TextChange {
    if old == new {
        return TextChange::Same;
    }
    let kinds = Cosmetic::for_field(field);
    // The smallest subset of kinds whose normalisation makes the texts equal; subsets
    // of equal size are tried in the order of `kinds`.
    let mut subsets: Vec<u32> = (1..1u32 << kinds.len()).collect();
    subsets.sort_by_key(|s| (s.count_ones(), std::cmp::Reverse(s.reverse_bits())));
    for subset in subsets {
        let chosen: Vec<Cosmetic> = kinds
            .iter()
            .enumerate()
            .filter(|(i, _)| subset & (1 << i) != 0)
            .map(|(_, k)| *k)
            .collect();
        if normalize(old, &chosen) == normalize(new, &chosen) {
            return TextChange::Cosmetic(chosen);
        }
    }
    TextChange::Changed
}

/// The text with the given kinds of formatting taken out, for comparison: hosts mapped
/// to the Feishu ones, help-desk query strings dropped, lowercased, trailing
/// punctuation and whitespace stripped, all whitespace removed.
///
/// ```
/// use lark_errors_page::diff::{Cosmetic, normalize};
///
/// let advice = "[客服](https://applink.larksuite.com/client/helpdesk/open?id=1&extra=x) 见 open.larksuite.com";
/// assert_eq!(
///     normalize(advice, &[Cosmetic::HelpdeskQuery, Cosmetic::DocsHost, Cosmetic::Whitespace]),
///     "[客服](https://applink.feishu.cn/client/helpdesk/open)见open.feishu.cn"
/// );
/// ```
pub fn normalize(text: &str, kinds: &[Cosmetic]) -> String {
    let mut out = text.to_owned();
    if kinds.contains(&Cosmetic::DocsHost) {
        out = out
            .replace("open.larksuite.com", "open.feishu.cn")
            .replace("applink.larksuite.com", "applink.feishu.cn");
    }
    if kinds.contains(&Cosmetic::HelpdeskQuery) {
        out = strip_helpdesk_queries(&out);
    }
    if kinds.contains(&Cosmetic::Case) {
        out = out.to_lowercase();
    }
    if kinds.contains(&Cosmetic::TrailingPunctuation) {
        let kept = out.trim_end_matches(|c: char| c.is_whitespace() || is_punctuation(c)).len();
        out.truncate(kept);
    }
    if kinds.contains(&Cosmetic::Whitespace) {
        out.retain(|c| !c.is_whitespace());
    }
    out
}

/// Drops the `?...` of every help-desk link, up to the end of the URL.
fn strip_helpdesk_queries(text: &str) -> String {
    const PATHS: [&str; 2] =
        ["applink.feishu.cn/client/helpdesk/open?", "applink.larksuite.com/client/helpdesk/open?"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = PATHS.iter().filter_map(|p| rest.find(p).map(|at| (at, p.len()))).min();
        let Some((at, len)) = next else { break };
        // Keep the path without its `?`.
        let query_start = at + len - 1;
        out.push_str(&rest[..query_start]);
        let after = &rest[query_start..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | ']'))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{3001}' | '\u{3002}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '…')
}

/// What happened to a run of words in a [`word_diff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    /// In both texts.
    Same,
    /// Only in the old text.
    Removed,
    /// Only in the new text.
    Added,
}

/// A run of consecutive words with the same [`WordOp`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WordChange {
    /// What happened to the words.
    pub op: WordOp,
    /// The words as written, each with the whitespace before it (taken from the old
    /// text for [`WordOp::Same`] and [`WordOp::Removed`], the new one for
    /// [`WordOp::Added`]). So the `Same` and `Removed` runs, concatenated, give back the
    /// old text without trailing whitespace.
    pub text: String,
}

/// Above this many cells (old words × new words, after the common start and end are
/// set aside) the middle is reported as removed-then-added instead of aligned, which
/// bounds memory and time on huge inputs. Real advice is far below it.
const MAX_LCS_CELLS: usize = 4_000_000;

/// A word-level diff of two texts: a longest common subsequence of their words.
///
/// A word is a run of characters without whitespace, except that each CJK character
/// (ideograph, kana, hangul, CJK or full-width punctuation) is a word on its own,
/// since Chinese is written without spaces. Whitespace separates words and is
/// otherwise not compared.
///
/// ```
/// use lark_errors_page::diff::{WordOp, word_diff};
///
/// let d = word_diff("请稍后重试", "请立即重试");
/// let ops: Vec<(WordOp, &str)> = d.iter().map(|c| (c.op, c.text.as_str())).collect();
/// assert_eq!(ops, [
///     (WordOp::Same, "请"),
///     (WordOp::Removed, "稍后"),
///     (WordOp::Added, "立即"),
///     (WordOp::Same, "重试"),
/// ]);
/// ```
pub fn word_diff(old: &str, new: &str) -> Vec<WordChange> {
    let a = tokens(old);
    let b = tokens(new);
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x.word == y.word).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x.word == y.word)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);

    let mut ops: Vec<(WordOp, &str)> = Vec::with_capacity(a.len() + b.len());
    ops.extend(a[..prefix].iter().map(|t| (WordOp::Same, t.text)));
    if am.len().saturating_mul(bm.len()) > MAX_LCS_CELLS {
        ops.extend(am.iter().map(|t| (WordOp::Removed, t.text)));
        ops.extend(bm.iter().map(|t| (WordOp::Added, t.text)));
    } else {
        lcs_ops(am, bm, &mut ops);
    }
    ops.extend(a[a.len() - suffix..].iter().map(|t| (WordOp::Same, t.text)));

    let mut out: Vec<WordChange> = Vec::new();
    for (op, text) in ops {
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(WordChange { op, text: text.to_owned() }),
        }
    }
    out
}

/// A word and its text including the whitespace before it.
struct Token<'a> {
    word: &'a str,
    text: &'a str,
}

fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut gap_start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = i + c.len_utf8();
        if !is_cjk_word(c) {
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() || is_cjk_word(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        out.push(Token { word: &s[i..end], text: &s[gap_start..end] });
        gap_start = end;
    }
    out
}

/// Characters that are words on their own: CJK ideographs, kana, hangul, CJK
/// punctuation and full-width forms.
fn is_cjk_word(c: char) -> bool {
    crate::doc::is_cjk(c)
        || matches!(c,
            '\u{3000}'..='\u{303F}'     // CJK symbols and punctuation
            | '\u{3040}'..='\u{30FF}'   // kana
            | '\u{AC00}'..='\u{D7AF}'   // hangul syllables
            | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
            | '\u{FF00}'..='\u{FFEF}'   // full-width forms
            | '\u{20000}'..='\u{2FFFF}' // ideograph extensions B and beyond
        )
}

/// Appends the edit script from `a` to `b` along a longest common subsequence.
fn lcs_ops<'a>(a: &[Token<'a>], b: &[Token<'a>], ops: &mut Vec<(WordOp, &'a str)>) {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    // table[i * width + j]: length of an LCS of a[i..] and b[j..].
    let mut table = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i * width + j] = if a[i].word == b[j].word {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i].word == b[j].word {
            ops.push((WordOp::Same, a[i].text));
            i += 1;
            j += 1;
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            ops.push((WordOp::Removed, a[i].text));
            i += 1;
        } else {
            ops.push((WordOp::Added, b[j].text));
            j += 1;
        }
    }
    ops.extend(a[i..].iter().map(|t| (WordOp::Removed, t.text)));
    ops.extend(b[j..].iter().map(|t| (WordOp::Added, t.text)));
}

/// Compares two pages: see the [module documentation](self) for how rows are paired
/// and what counts as a change.
///
/// ```
/// use lark_errors_page::diff::{self, Cosmetic, Field};
/// use lark_errors_page::doc::Document;
///
/// let old = Document::parse(
///     "a | b | c\n--- | --- | ---\n40001 | param error | 参数错误\n",
/// )?;
/// let new = Document::parse(
///     "a | b | c\n--- | --- | ---\n40001 | Param Error. | 参数 错误\n40001 | other | 另一个\n",
/// )?;
/// let d = diff::compare(&old, &new);
/// assert!(d.added.is_empty() && d.message_changed.is_empty());
/// assert_eq!(d.duplicates_gained[0].rows[0].message, "other");
/// assert_eq!(d.cosmetic.len(), 2); // the message's case and dot, the advice's space
/// assert_eq!(d.cosmetic[1].field, Field::Advice);
/// assert_eq!(d.cosmetic[1].kinds, [Cosmetic::Whitespace]);
/// # Ok::<(), lark_errors_page::doc::DocError>(())
/// ```
pub fn compare(old: &Document, new: &Document) -> Diff {
    let advice_compared = old.metadata.language == new.metadata.language;
    let mut diff = Diff {
        old: summarize(old),
        new: summarize(new),
        advice_compared,
        added: Vec::new(),
        removed: Vec::new(),
        message_changed: Vec::new(),
        advice_changed: Vec::new(),
        duplicates_gained: Vec::new(),
        duplicates_lost: Vec::new(),
        cosmetic: Vec::new(),
    };

    let mut by_code: BTreeMap<u32, (Vec<&Row>, Vec<&Row>)> = BTreeMap::new();
    for row in &old.rows {
        by_code.entry(row.code).or_default().0.push(row);
    }
    for row in &new.rows {
        by_code.entry(row.code).or_default().1.push(row);
    }

    for (code, (mut olds, mut news)) in by_code {
        olds.sort_by_key(|r| r.line);
        news.sort_by_key(|r| r.line);
        if news.is_empty() {
            diff.removed
                .push(CodeRows { code, rows: olds.iter().map(|r| RowText::of(r)).collect() });
            continue;
        }
        if olds.is_empty() {
            diff.added.push(CodeRows { code, rows: news.iter().map(|r| RowText::of(r)).collect() });
            continue;
        }
        let (pairs, old_left, new_left) = pair_rows(&olds, &news);
        for (o, n) in pairs {
            compare_pair(&mut diff, code, o, n);
        }
        if !new_left.is_empty() {
            diff.duplicates_gained.push(DuplicateChange {
                code,
                old_count: olds.len(),
                new_count: news.len(),
                rows: new_left.iter().map(|r| RowText::of(r)).collect(),
            });
        }
        if !old_left.is_empty() {
            diff.duplicates_lost.push(DuplicateChange {
                code,
                old_count: olds.len(),
                new_count: news.len(),
                rows: old_left.iter().map(|r| RowText::of(r)).collect(),
            });
        }
    }
    diff
}

type Pairing<'r> = (Vec<(&'r Row, &'r Row)>, Vec<&'r Row>, Vec<&'r Row>);

/// Pairs one code's rows: equal message keys first, then the leftovers in order.
/// Returns the pairs (in old document order) and the unpaired old and new rows.
fn pair_rows<'r>(olds: &[&'r Row], news: &[&'r Row]) -> Pairing<'r> {
    pair_by(olds, news, |r| message_key(&r.message))
}

/// Pairs two lists: items with equal keys first (each old item with the first free new
/// item of its key), then the leftovers in order. Returns the pairs in old order and
/// the unpaired old and new items. Linear in the lists' lengths (one hash map).
pub(crate) fn pair_by<'r, T, K: std::hash::Hash + Eq>(
    olds: &[&'r T],
    news: &[&'r T],
    key: impl Fn(&T) -> K,
) -> (Vec<(&'r T, &'r T)>, Vec<&'r T>, Vec<&'r T>) {
    let mut free: std::collections::HashMap<K, std::collections::VecDeque<usize>> =
        std::collections::HashMap::new();
    for (j, n) in news.iter().enumerate() {
        free.entry(key(n)).or_default().push_back(j);
    }
    let mut partner: Vec<Option<usize>> = vec![None; olds.len()];
    let mut used = vec![false; news.len()];
    for (i, o) in olds.iter().enumerate() {
        if let Some(j) = free.get_mut(&key(o)).and_then(|q| q.pop_front()) {
            used[j] = true;
            partner[i] = Some(j);
        }
    }
    let mut free_new = (0..news.len()).filter(|&j| !used[j]).collect::<Vec<_>>().into_iter();
    for p in partner.iter_mut().filter(|p| p.is_none()) {
        match free_new.next() {
            Some(j) => *p = Some(j),
            None => break,
        }
    }
    let new_left: Vec<&T> = free_new.map(|j| news[j]).collect();
    let mut pairs = Vec::new();
    let mut old_left = Vec::new();
    for (i, p) in partner.into_iter().enumerate() {
        match p {
            Some(j) => pairs.push((olds[i], news[j])),
            None => old_left.push(olds[i]),
        }
    }
    (pairs, old_left, new_left)
}

fn compare_pair(diff: &mut Diff, code: u32, o: &Row, n: &Row) {
    let cosmetic = |field, kinds, old: &str, new: &str| CosmeticChange {
        code,
        field,
        kinds,
        old_line: o.line,
        new_line: n.line,
        old: old.to_owned(),
        new: new.to_owned(),
    };
    match classify_text(Field::Message, &o.message, &n.message) {
        TextChange::Same => {}
        TextChange::Cosmetic(kinds) => {
            diff.cosmetic.push(cosmetic(Field::Message, kinds, &o.message, &n.message));
        }
        TextChange::Changed => diff.message_changed.push(MessageChange {
            code,
            old_line: o.line,
            new_line: n.line,
            old: o.message.clone(),
            new: n.message.clone(),
        }),
    }
    if !diff.advice_compared {
        return;
    }
    match classify_text(Field::Advice, &o.advice, &n.advice) {
        TextChange::Same => {}
        TextChange::Cosmetic(kinds) => {
            diff.cosmetic.push(cosmetic(Field::Advice, kinds, &o.advice, &n.advice));
        }
        TextChange::Changed => diff.advice_changed.push(AdviceChange {
            code,
            message: n.message.clone(),
            old_line: o.line,
            new_line: n.line,
            old: o.advice.clone(),
            new: n.advice.clone(),
            words: word_diff(&o.advice, &n.advice),
        }),
    }
}

mod ser {
    use serde::Serializer;

    use crate::doc::{Date, Language, TableStyle};

    pub(super) fn date<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub(super) fn language<S: Serializer>(language: &Language, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(language.as_str())
    }

    pub(super) fn style<S: Serializer>(style: &TableStyle, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match style {
            TableStyle::Bare => "bare",
            TableStyle::Bordered => "bordered",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "a | b | c\n--- | --- | ---\n";

    fn page(rows: &str) -> Document {
        Document::parse(&format!("{HEAD}{rows}")).unwrap()
    }

    fn ops(d: &[WordChange]) -> Vec<(WordOp, &str)> {
        d.iter().map(|c| (c.op, c.text.as_str())).collect()
    }

    #[test]
    fn word_diff_english_keeps_whitespace_with_words() {
        let d = word_diff("please retry later", "please retry much  later now");
        assert_eq!(
            ops(&d),
            [
                (WordOp::Same, "please retry"),
                (WordOp::Added, " much"),
                (WordOp::Same, " later"),
                (WordOp::Added, " now"),
            ]
        );
    }

    #[test]
    fn word_diff_edge_cases() {
        assert!(word_diff("", "").is_empty());
        assert_eq!(ops(&word_diff("", "新")), [(WordOp::Added, "新")]);
        assert_eq!(ops(&word_diff("旧", "")), [(WordOp::Removed, "旧")]);
        assert_eq!(ops(&word_diff("a b", "a  b")), [(WordOp::Same, "a b")]);
        assert_eq!(
            ops(&word_diff("见[文档](x)。", "见[帮助](x)。")),
            [
                (WordOp::Same, "见["),
                (WordOp::Removed, "文档"),
                (WordOp::Added, "帮助"),
                (WordOp::Same, "](x)。")
            ]
        );
    }

    #[test]
    fn word_diff_falls_back_on_huge_inputs() {
        let old: String = (0..3000).map(|i| format!("a{i} ")).collect();
        let new: String = (0..3000).map(|i| format!("b{i} ")).collect();
        let d = word_diff(&old, &new);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].op, WordOp::Removed);
        assert_eq!(d[1].op, WordOp::Added);
    }

    #[test]
    fn classify_text_kinds() {
        use Cosmetic::*;
        assert_eq!(classify_text(Field::Message, "x", "x"), TextChange::Same);
        assert_eq!(
            classify_text(Field::Message, "a  b", "a b"),
            TextChange::Cosmetic(vec![Whitespace])
        );
        assert_eq!(
            classify_text(Field::Message, "no perm", "No Perm"),
            TextChange::Cosmetic(vec![Case])
        );
        assert_eq!(
            classify_text(Field::Message, "fail。", "fail"),
            TextChange::Cosmetic(vec![TrailingPunctuation])
        );
        assert_eq!(classify_text(Field::Message, "a.b", "ab"), TextChange::Changed);
        // Both whitespace and trailing punctuation explain a trailing space: the kind
        // listed first wins.
        assert_eq!(
            classify_text(Field::Message, "fail ", "fail"),
            TextChange::Cosmetic(vec![Whitespace])
        );
        // Advice may not change case, messages may not change hosts.
        assert_eq!(classify_text(Field::Advice, "Retry", "retry"), TextChange::Changed);
        assert_eq!(
            classify_text(Field::Message, "open.feishu.cn", "open.larksuite.com"),
            TextChange::Changed
        );
        let a = "[客服](https://applink.feishu.cn/client/helpdesk/open?id=1&extra=%7B%7D)";
        let b = "[客服](https://applink.larksuite.com/client/helpdesk/open?id=2)";
        assert_eq!(
            classify_text(Field::Advice, a, b),
            TextChange::Cosmetic(vec![HelpdeskQuery, DocsHost])
        );
        let c = "[客服](https://applink.feishu.cn/client/helpdesk/open?id=2)";
        assert_eq!(classify_text(Field::Advice, a, c), TextChange::Cosmetic(vec![HelpdeskQuery]));
        // The path of the link is not cosmetic.
        let d = "[客服](https://applink.feishu.cn/client/helpdesk/close?id=1&extra=%7B%7D)";
        assert_eq!(classify_text(Field::Advice, a, d), TextChange::Changed);
    }

    #[test]
    fn helpdesk_query_ends_with_the_url() {
        assert_eq!(
            strip_helpdesk_queries("x applink.feishu.cn/client/helpdesk/open?id=1 y"),
            "x applink.feishu.cn/client/helpdesk/open y"
        );
        assert_eq!(
            strip_helpdesk_queries("applink.feishu.cn/client/helpdesk/open?"),
            "applink.feishu.cn/client/helpdesk/open"
        );
    }

    #[test]
    fn each_kind_of_change() {
        let old = page(
            "600 | gone | 删除\n700 | msg | 建议\n800 | old msg | 同\n900 | dup | 一\n900 | dup two | 二\n\
             1000 | single | 单\n1100 | Fail. | 见 https://open.feishu.cn/x\n",
        );
        let new = page(
            "700 | msg | 新建议\n800 | new msg | 同\n900 | dup | 一\n1000 | single | 单\n\
             1000 | second | 双\n1100 | fail | 见https://open.larksuite.com/x\n1200 | added | 加\n",
        );
        let d = compare(&old, &new);
        assert!(d.advice_compared);
        assert!(d.has_changes());
        assert_eq!(d.added.iter().map(|c| c.code).collect::<Vec<_>>(), [1200]);
        assert_eq!(d.removed.iter().map(|c| c.code).collect::<Vec<_>>(), [600]);
        assert_eq!(d.message_changed.len(), 1);
        assert_eq!(
            (d.message_changed[0].old.as_str(), d.message_changed[0].new.as_str()),
            ("old msg", "new msg")
        );
        assert_eq!(d.advice_changed.len(), 1);
        assert_eq!(d.advice_changed[0].code, 700);
        assert_eq!(
            ops(&d.advice_changed[0].words),
            [(WordOp::Added, "新"), (WordOp::Same, "建议")]
        );
        assert_eq!(d.duplicates_gained.len(), 1);
        assert_eq!(d.duplicates_gained[0].code, 1000);
        assert_eq!((d.duplicates_gained[0].old_count, d.duplicates_gained[0].new_count), (1, 2));
        assert_eq!(d.duplicates_gained[0].rows[0].message, "second");
        assert_eq!(d.duplicates_lost.len(), 1);
        assert_eq!(d.duplicates_lost[0].rows[0].message, "dup two");
        let cosmetic: Vec<(u32, Field, Vec<Cosmetic>)> =
            d.cosmetic.iter().map(|c| (c.code, c.field, c.kinds.clone())).collect();
        assert_eq!(
            cosmetic,
            [
                (1100, Field::Message, vec![Cosmetic::Case, Cosmetic::TrailingPunctuation]),
                (1100, Field::Advice, vec![Cosmetic::Whitespace, Cosmetic::DocsHost]),
            ]
        );
    }

    #[test]
    fn duplicates_pair_by_message_then_order() {
        let old = page("1 | Alpha | a\n1 | beta | b\n1 | gamma | c\n");
        let new = page("1 | BETA. | b\n1 | delta | c\n1 | alpha | a\n");
        let d = compare(&old, &new);
        // alpha and beta pair by message (cosmetic), gamma pairs with delta in order.
        assert_eq!(d.message_changed.len(), 1);
        assert_eq!(
            (d.message_changed[0].old.as_str(), d.message_changed[0].new.as_str()),
            ("gamma", "delta")
        );
        assert_eq!(d.cosmetic.len(), 2);
        assert!(d.duplicates_gained.is_empty() && d.duplicates_lost.is_empty());
        assert!(d.advice_changed.is_empty());
    }

    /// The fuzzing finding of `fuzz/regressions/README.md`: one code documented by
    /// many rows. Pairing looked through every new row of the code for each old row
    /// (16,000 rows: 6.7 s through the command line); 100,000 rows of one code, as
    /// here, would take minutes that way. Not timed: a quadratic pairing makes this
    /// test hang, a linear one passes at once.
    #[test]
    fn one_code_with_a_hundred_thousand_rows_pairs_in_linear_time() {
        const N: usize = 100_000;
        let rows = |f: &dyn Fn(usize) -> String| (0..N).map(f).collect::<String>();
        // Keys all different: every row pairs by order, every message changed.
        let old = page(&rows(&|i| format!("600 | message {i} | advice\n")));
        let new = page(&rows(&|i| format!("600 | other {i} | advice\n")));
        let d = compare(&old, &new);
        assert_eq!(d.message_changed.len(), N);
        assert_eq!(
            (d.message_changed[N - 1].old.as_str(), d.message_changed[N - 1].new.as_str()),
            (format!("message {}", N - 1).as_str(), format!("other {}", N - 1).as_str())
        );
        assert!(d.added.is_empty() && d.removed.is_empty() && d.advice_changed.is_empty());
        assert!(d.duplicates_gained.is_empty() && d.duplicates_lost.is_empty());
        // The same keys in reverse order: every row pairs by key, nothing changed; one
        // row more on the new page is the one duplicate gained.
        let new = page(&format!(
            "{}600 | extra | advice\n",
            rows(&|i| format!("600 | MESSAGE {}. | advice\n", N - 1 - i))
        ));
        let d = compare(&old, &new);
        assert!(d.message_changed.is_empty());
        assert_eq!(d.cosmetic.len(), N);
        assert_eq!(d.duplicates_gained.len(), 1);
        assert_eq!(d.duplicates_gained[0].rows.len(), 1);
        assert_eq!(d.duplicates_gained[0].rows[0].message, "extra");
    }

    #[test]
    fn pair_by_pairs_equal_keys_first_then_in_order() {
        let (olds, news) = (["a", "b", "c", "b"], ["b", "x", "a", "b", "y"]);
        let (o, n): (Vec<&&str>, Vec<&&str>) = (olds.iter().collect(), news.iter().collect());
        let (pairs, old_left, new_left) = pair_by(&o, &n, |s: &&str| *s);
        let pairs: Vec<(&str, &str)> = pairs.into_iter().map(|(a, b)| (*a, *b)).collect();
        // a-a, b-b (first free b), c with the first new item left (x), b-b (the second).
        assert_eq!(pairs, [("a", "a"), ("b", "b"), ("c", "x"), ("b", "b")]);
        assert!(old_left.is_empty());
        assert_eq!(new_left, [&"y"]);
    }

    #[test]
    fn across_languages_advice_is_not_compared() {
        let zh = Document::parse(&format!("---\nlang: zh\n---\n{HEAD}1 | x | 中文\n")).unwrap();
        let en = Document::parse(&format!("---\nlang: en\n---\n{HEAD}1 | X | English\n")).unwrap();
        let d = compare(&zh, &en);
        assert!(!d.advice_compared);
        assert!(d.advice_changed.is_empty());
        assert_eq!(d.cosmetic.len(), 1);
        assert_eq!(d.cosmetic[0].field, Field::Message);
    }

    #[test]
    fn identical_pages_have_no_changes() {
        let p = page("1 | x | y\n1 | z | w\n");
        let d = compare(&p, &p);
        assert!(!d.has_changes());
        assert!(d.cosmetic.is_empty());
        let b = builtin_page();
        assert!(!compare(&b, &b).has_changes());
    }

    #[test]
    fn builtin_page_matches_its_source() {
        let b = builtin_page();
        let s = summarize(&b);
        assert_eq!(s.language, Language::Zh);
        assert_eq!(s.title.as_deref(), Some(lark_errors::sources()[0].title));
        assert_eq!(s.rows, lark_errors::entries().len());
    }

    #[test]
    fn check_reports_problems_and_counts() {
        let r = check("");
        assert!(!r.is_clean());
        assert_eq!(r.summary.rows, 0);
        let r = check(&format!("{HEAD}1 | a %s | b\n2 | c | d\n"));
        assert!(r.is_clean());
        assert_eq!(
            (r.summary.rows, r.summary.distinct_codes, r.summary.templated_messages),
            (2, 2, 1)
        );
        assert!(r.summary.duplicated.is_empty());
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn word_diff_never_panics_and_rebuilds_the_old_text(a in "\\PC*", b in "\\PC*") {
                let d = word_diff(&a, &b);
                let old: String = d.iter().filter(|c| c.op != WordOp::Added).map(|c| c.text.as_str()).collect();
                prop_assert_eq!(old, a.trim_end());
                let words = |s: &str| s.split_whitespace().collect::<String>();
                let new: String = d.iter().filter(|c| c.op != WordOp::Removed).map(|c| c.text.as_str()).collect();
                prop_assert_eq!(words(&new), words(&b));
            }

            #[test]
            fn compare_of_arbitrary_pages_never_panics(
                a in "(\\PC{0,20}|[0-9]{1,3} \\| \\PC{0,10} \\| \\PC{0,20}|\n)*",
                b in "(\\PC{0,20}|[0-9]{1,3} \\| \\PC{0,10} \\| \\PC{0,20}|\n)*",
            ) {
                let head = "a | b | c\n--- | --- | ---\n";
                let (old, _) = Document::parse_lenient(&format!("{head}{a}"));
                let (new, _) = Document::parse_lenient(&format!("{head}{b}"));
                let d = compare(&old, &new);
                let back = compare(&new, &old);
                prop_assert_eq!(d.added.len(), back.removed.len());
                prop_assert_eq!(d.message_changed.len(), back.message_changed.len());
                let _ = check(&a);
                let same = compare(&old, &old);
                prop_assert!(!same.has_changes());
            }

            #[test]
            fn classify_text_never_panics(a in "\\PC*", b in "\\PC*") {
                for field in [Field::Message, Field::Advice] {
                    let forward = classify_text(field, &a, &b);
                    prop_assert_eq!(forward == TextChange::Changed, classify_text(field, &b, &a) == TextChange::Changed);
                }
            }
        }
    }
}
