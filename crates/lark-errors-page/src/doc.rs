//! Parser for the platform's error-code page, as markdown.
//!
//! The page is one table of `code | message | advice` rows. Two styles exist:
//!
//! - the bare style of the 2025 Chinese page: `600 | msg | advice`;
//! - the pipe-bordered style of the 2022 English page: `| 600 | msg | advice |`.
//!
//! Both start with a header row and a `--- | --- | ---` separator row. An advice cell
//! may continue over the following lines (lists, nested bullets, images, notes): every
//! line after a row that is not itself a row belongs to that row's advice, kept as
//! written with only trailing whitespace trimmed. Front matter (`title`, `source_url`
//! or `url`, `updated`) and a `最后更新于 YYYY-MM-DD` line become [`Metadata`].
//!
//! Parsing is pure and never panics: a malformed row is a [`DocError`] naming its line.
//!
//! ```
//! use lark_errors_page::doc::{Document, Language};
//!
//! let page = "---\ntitle: \"通用错误码\"\n---\n最后更新于 2025-08-20\n\n\
//!             错误码 | 说明 | 排查建议\n--- | --- | ---\n\
//!             600 | expired resource | 请稍后再试\n- 仍然出现可以咨询客服\n";
//! let doc = Document::parse(page)?;
//! assert_eq!(doc.metadata.title.as_deref(), Some("通用错误码"));
//! assert_eq!(doc.metadata.updated.unwrap().to_string(), "2025-08-20");
//! assert_eq!(doc.metadata.language, Language::Zh);
//! assert_eq!(doc.rows[0].code, 600);
//! assert_eq!(doc.rows[0].advice, "请稍后再试\n- 仍然出现可以咨询客服");
//! # Ok::<(), lark_errors_page::doc::DocError>(())
//! ```

use std::fmt;

pub use lark_errors::catalog::Language;
pub use lark_errors::date::Date;

/// A parsed error-code page: its metadata and its rows in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Document {
    /// Title, source URL, date and language of the page.
    pub metadata: Metadata,
    /// Which table style the page uses.
    pub style: TableStyle,
    /// Every row, in document order, duplicates kept.
    pub rows: Vec<Row>,
}

/// What a page says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Metadata {
    /// `title` from the front matter.
    pub title: Option<String>,
    /// `source_url` (or `url`) from the front matter.
    pub source_url: Option<String>,
    /// The page's date: a `最后更新于 YYYY-MM-DD` line, else `updated` from the front
    /// matter (a date, or epoch milliseconds as the Lark mirror writes it).
    pub updated: Option<Date>,
    /// The language of the page's prose: `lang`/`language` from the front matter, else
    /// detected from the text (any CJK ideograph in the table makes it Chinese).
    pub language: Language,
}

/// The two table styles the platform has published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableStyle {
    /// `600 | msg | advice` (the 2025 Chinese page).
    Bare,
    /// `| 600 | msg | advice |` (the 2022 English page).
    Bordered,
}

/// One row of the table: a documented error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Row {
    /// 1-based line number of the row in the page.
    pub line: usize,
    /// The error code.
    pub code: u32,
    /// The documented `msg`, possibly a template with `%v` / `%s` placeholders.
    pub message: String,
    /// The troubleshooting advice, markdown as written (continuation lines joined with
    /// `\n`, each with trailing whitespace trimmed).
    pub advice: String,
}

/// A problem found while parsing a page, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: DocErrorKind,
}

/// What is wrong with a page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocErrorKind {
    /// The input is empty or only whitespace.
    Empty,
    /// No `code | message | advice` table (header and separator row) was found.
    NoTable,
    /// A table header was found but no rows follow it.
    NoRows,
    /// A row has fewer than the three cells code, message, advice.
    TooFewCells {
        /// How many cells the row has.
        found: usize,
    },
    /// The first cell is not a decimal error code.
    BadCode {
        /// The cell's text.
        text: String,
    },
    /// The code does not fit in 32 bits.
    CodeOutOfRange {
        /// The cell's text.
        text: String,
    },
    /// The message cell is empty.
    EmptyMessage,
    /// A table row appears outside any table (before the header, or after a blank
    /// line ended the table).
    RowOutsideTable,
    /// A line after the separator that is not a row comes before the first row.
    ContinuationBeforeFirstRow,
    /// The front matter opened with `---` is never closed.
    UnclosedFrontMatter,
    /// A markdown link is opened (`[text](`) but never closed: the page was cut in the
    /// middle of a link while saving.
    UnclosedLink,
}

impl fmt::Display for DocErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocErrorKind::Empty => f.write_str("the page is empty"),
            DocErrorKind::NoTable => {
                f.write_str("no error-code table (a header row and a `--- | --- | ---` separator)")
            }
            DocErrorKind::NoRows => f.write_str("the table has a header but no rows"),
            DocErrorKind::TooFewCells { found } => write!(
                f,
                "row has {found} cell{}, expected 3 (code | message | advice)",
                if *found == 1 { "" } else { "s" }
            ),
            DocErrorKind::BadCode { text } => write!(f, "code `{text}` is not a decimal number"),
            DocErrorKind::CodeOutOfRange { text } => {
                write!(f, "code `{text}` is out of range (at most {})", u32::MAX)
            }
            DocErrorKind::EmptyMessage => f.write_str("row has an empty message cell"),
            DocErrorKind::RowOutsideTable => f.write_str("table row outside the table"),
            DocErrorKind::ContinuationBeforeFirstRow => {
                f.write_str("text after the separator row but before the first row")
            }
            DocErrorKind::UnclosedFrontMatter => f.write_str("front matter `---` is never closed"),
            DocErrorKind::UnclosedLink => {
                f.write_str("a link is never closed (the page is cut in the middle of a link)")
            }
        }
    }
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl std::error::Error for DocError {}

/// A markdown link found in advice text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Link<'a> {
    /// The link text, as written.
    pub text: &'a str,
    /// The target URL.
    pub url: &'a str,
}

impl Document {
    /// Parses a page, failing on the first problem.
    ///
    /// ```
    /// use lark_errors_page::doc::{Document, DocErrorKind};
    ///
    /// let err = Document::parse("| a | b | c |\n| --- | --- | --- |\n| 12 | only two |\n")
    ///     .unwrap_err();
    /// assert_eq!(err.line, 3);
    /// assert_eq!(err.kind, DocErrorKind::TooFewCells { found: 2 });
    /// ```
    pub fn parse(text: &str) -> Result<Document, DocError> {
        let (doc, mut problems) = Document::parse_lenient(text);
        if problems.is_empty() { Ok(doc) } else { Err(problems.swap_remove(0)) }
    }

    /// Parses a page, keeping every good row and returning every problem found (sorted
    /// by line). Use this to report all problems at once, as `larkerr doc check` does.
    pub fn parse_lenient(text: &str) -> (Document, Vec<DocError>) {
        Parser::default().run(text)
    }
}

/// Every `[text](url)` link in markdown text, in order; images (`![..](..)`) are not
/// links and are skipped.
///
/// ```
/// let md = "见[API访问凭证](https://open.feishu.cn/x) ![image.png](https://cdn/x.png)";
/// let links = lark_errors_page::doc::links(md);
/// assert_eq!(links.len(), 1);
/// assert_eq!(links[0].text, "API访问凭证");
/// assert_eq!(links[0].url, "https://open.feishu.cn/x");
/// ```
pub fn links(markdown: &str) -> Vec<Link<'_>> {
    let mut out = Vec::new();
    let mut rest = markdown;
    let mut offset = 0;
    while let Some(open) = rest.find('[') {
        let start = offset + open;
        let after = &markdown[start + 1..];
        let is_image = markdown[..start].ends_with('!');
        let Some(close) = after.find("](") else { break };
        let text = &after[..close];
        // A bracket inside the text means this `[` was not the link's opening bracket.
        if text.contains(['[', ']']) {
            let skip = open + 1;
            offset += skip;
            rest = &rest[skip..];
            continue;
        }
        let url_start = start + 1 + close + 2;
        let Some(url_len) = markdown[url_start..].find(')') else { break };
        let url = markdown[url_start..url_start + url_len].trim();
        if !is_image && !url.is_empty() && !url.contains(char::is_whitespace) {
            out.push(Link { text: text.trim(), url });
        }
        let next = url_start + url_len + 1;
        rest = &markdown[next..];
        offset = next;
    }
    out
}

/// The key under which two pages' messages are "the same": lowercased letters, digits
/// and `%` only, so case, whitespace and punctuation do not count. The catalog pairs
/// Chinese and English rows with it, and [`crate::diff`] pairs the entries of a
/// duplicated code.
///
/// ```
/// use lark_errors_page::doc::message_key;
/// assert_eq!(message_key("Bad request OR invalid param."), message_key("bad request or invalid param"));
/// assert_ne!(message_key("param error"), message_key("param errors"));
/// ```
pub fn message_key(message: &str) -> String {
    message
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '%')
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Default)]
struct Parser {
    metadata: Metadata,
    language_from_front_matter: bool,
    style: Option<TableStyle>,
    rows: Vec<Row>,
    problems: Vec<DocError>,
}

/// Where the parser is in the page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before any table (or after one ended).
    Outside,
    /// In a table; `true` once a row has been read (so text continues its advice).
    InTable { style: TableStyle, has_row: bool },
}

impl Parser {
    fn run(mut self, text: &str) -> (Document, Vec<DocError>) {
        let lines = page_lines(text);
        if text.trim_start_matches('\u{FEFF}').trim().is_empty() {
            self.problem(1, DocErrorKind::Empty);
            return self.finish();
        }
        let mut i = self.front_matter(&lines);
        let mut state = State::Outside;
        let mut saw_header = false;
        while i < lines.len() {
            let line = lines[i];
            let number = i + 1;
            match state {
                State::Outside => {
                    if let Some(style) = header_style(line, lines.get(i + 1).copied()) {
                        saw_header = true;
                        self.style.get_or_insert(style);
                        state = State::InTable { style, has_row: false };
                        i += 2;
                        continue;
                    }
                    if let Some(date) = updated_line(line) {
                        self.metadata.updated = Some(date);
                    } else if looks_like_row(line) {
                        self.problem(number, DocErrorKind::RowOutsideTable);
                    }
                }
                State::InTable { style, has_row } => {
                    if line.trim().is_empty() {
                        state = State::Outside;
                    } else if is_row_candidate(line, style) {
                        self.row(number, line, style);
                        state = State::InTable { style, has_row: true };
                    } else if has_row {
                        if let Some(last) = self.rows.last_mut().filter(|r| r.line < number) {
                            last.advice.push('\n');
                            last.advice.push_str(line.trim_end());
                        }
                    } else {
                        self.problem(number, DocErrorKind::ContinuationBeforeFirstRow);
                    }
                }
            }
            i += 1;
        }
        let unclosed: Vec<usize> = self
            .rows
            .iter()
            .filter_map(|r| {
                unclosed_link(&r.advice).map(|at| r.line + r.advice[..at].matches('\n').count())
            })
            .collect();
        for line in unclosed {
            self.problem(line, DocErrorKind::UnclosedLink);
        }
        if let Some(line) = cut_in_link(text) {
            if !self.problems.iter().any(|p| p.kind == DocErrorKind::UnclosedLink && p.line == line)
            {
                self.problem(line, DocErrorKind::UnclosedLink);
            }
        }
        if !saw_header {
            self.problem(lines.len().max(1), DocErrorKind::NoTable);
        } else if self.rows.is_empty() && self.problems.is_empty() {
            self.problem(lines.len().max(1), DocErrorKind::NoRows);
        }
        if !self.language_from_front_matter {
            // Most advice cells of a Chinese page contain ideographs; an English page may
            // have a stray untranslated row, so decide by majority.
            let cjk = self.rows.iter().filter(|r| r.advice.chars().any(is_cjk)).count();
            self.metadata.language =
                if cjk * 2 > self.rows.len() { Language::Zh } else { Language::En };
        }
        self.finish()
    }

    fn finish(mut self) -> (Document, Vec<DocError>) {
        self.problems.sort_by_key(|p| p.line);
        let doc = Document {
            metadata: self.metadata,
            style: self.style.unwrap_or(TableStyle::Bare),
            rows: self.rows,
        };
        (doc, self.problems)
    }

    fn problem(&mut self, line: usize, kind: DocErrorKind) {
        self.problems.push(DocError { line, kind });
    }

    /// Reads front matter (after any leading HTML comments); returns the index of the
    /// first line after it.
    fn front_matter(&mut self, lines: &[&str]) -> usize {
        let fm = FrontMatter::read(lines);
        self.metadata.title = fm.title;
        self.metadata.source_url = fm.source_url;
        self.metadata.updated = fm.updated;
        if let Some(lang) = fm.language {
            self.metadata.language = lang;
            self.language_from_front_matter = true;
        }
        if let Some(line) = fm.unclosed_at {
            self.problem(line, DocErrorKind::UnclosedFrontMatter);
        }
        fm.end
    }

    fn row(&mut self, number: usize, line: &str, style: TableStyle) {
        let cells = split_row(line, style);
        let found = cells.len();
        let [code, message, advice] = match cells[..] {
            [a, b, c] => [a, b, c],
            _ => {
                self.problem(number, DocErrorKind::TooFewCells { found });
                return;
            }
        };
        let code_text = code.trim();
        let code = match parse_code(code_text) {
            Ok(code) => code,
            Err(kind) => {
                self.problem(number, kind);
                return;
            }
        };
        let message = message.trim();
        if message.is_empty() {
            self.problem(number, DocErrorKind::EmptyMessage);
            return;
        }
        self.rows.push(Row {
            line: number,
            code,
            message: message.to_owned(),
            advice: advice.trim().to_owned(),
        });
    }
}

/// What a page's front matter says, shared by the generic page's and the API pages'
/// parsers.
#[derive(Debug, Default)]
pub(crate) struct FrontMatter {
    pub(crate) title: Option<String>,
    pub(crate) source_url: Option<String>,
    /// `updated`, `date`, `last_remote_update` or `last_remote_update_timestamp`, the
    /// first one that parses.
    pub(crate) updated: Option<Date>,
    pub(crate) language: Option<Language>,
    /// Index of the first line after the front matter (0 when there is none).
    pub(crate) end: usize,
    /// The 1-based line of an opening `---` that is never closed.
    pub(crate) unclosed_at: Option<usize>,
}

impl FrontMatter {
    /// Reads the front matter at the top of `lines` (after blank lines and HTML
    /// comments).
    pub(crate) fn read(lines: &[&str]) -> FrontMatter {
        let mut fm = FrontMatter::default();
        let mut i = 0;
        while i < lines.len() && (lines[i].trim().is_empty() || is_html_comment(lines[i])) {
            i += 1;
        }
        if lines.get(i).map(|l| l.trim_end()) != Some("---") {
            return fm;
        }
        let open = i;
        i += 1;
        while i < lines.len() {
            let line = lines[i];
            if line.trim_end() == "---" {
                fm.end = i + 1;
                return fm;
            }
            if let Some((key, value)) = line.split_once(':') {
                let value = unquote(value.trim());
                let value = (!value.is_empty()).then(|| value.to_owned());
                match key.trim() {
                    "title" => fm.title = value,
                    "source_url" | "url" => fm.source_url = value,
                    "updated" | "date" | "last_remote_update" | "last_remote_update_timestamp"
                        if fm.updated.is_none() =>
                    {
                        fm.updated = value.as_deref().and_then(parse_updated);
                    }
                    "lang" | "language" => {
                        fm.language = match value.as_deref().map(str::to_ascii_lowercase).as_deref()
                        {
                            Some(v) if v.starts_with("zh") => Some(Language::Zh),
                            Some(v) if v.starts_with("en") => Some(Language::En),
                            _ => fm.language,
                        };
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        fm.unclosed_at = Some(open + 1);
        fm.end = lines.len();
        fm
    }
}

/// The lines of a page: a leading UTF-8 byte-order mark dropped, `\r\n` or `\n` line
/// ends.
pub(crate) fn page_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

/// The byte offset of the first markdown link in `text` that is opened (`[text](`) but
/// never closed with `)` before the next link or the end: what a page cut in the middle
/// of a link leaves behind.
///
/// Link text and URL may span lines (`[text  \n](url)`, `[text](  \nurl)`).
pub(crate) fn unclosed_link(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find("](") {
        let url_start = from + at + 2;
        let rest = &text[url_start..];
        let next_link = rest.find("](").unwrap_or(rest.len());
        if !rest[..next_link].contains(')') {
            // The link's opening bracket, for the line number.
            return Some(text[..from + at].rfind('[').unwrap_or(from + at));
        }
        from = url_start;
    }
    None
}

/// The 1-based line of the link `text` ends inside of, if it does: a `[text](` after
/// which the page holds only a URL being written (no `)`, no whitespace inside it).
/// A page cut there was cut in the middle of that link, wherever the link is: a row's
/// advice, or the prose after the table, where [`unclosed_link`] of the rows does not
/// look.
pub(crate) fn cut_in_link(text: &str) -> Option<usize> {
    let at = text.rfind("](")?;
    let url = text[at + 2..].trim();
    if url.contains(')') || url.contains(char::is_whitespace) {
        return None;
    }
    let open = text[..at].rfind('[').unwrap_or(at);
    Some(text[..open].matches('\n').count() + 1)
}

pub(crate) fn parse_code(text: &str) -> Result<u32, DocErrorKind> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DocErrorKind::BadCode { text: text.to_owned() });
    }
    text.parse().map_err(|_| DocErrorKind::CodeOutOfRange { text: text.to_owned() })
}

/// Splits a row into at most three cells: code, message, and the advice (everything
/// after the second separator, so a `|` inside advice text is kept).
fn split_row(line: &str, style: TableStyle) -> Vec<&str> {
    let body = match style {
        TableStyle::Bare => line.trim_end(),
        TableStyle::Bordered => {
            let inner = line.trim().strip_prefix('|').unwrap_or(line);
            inner.strip_suffix('|').unwrap_or(inner)
        }
    };
    body.splitn(3, '|').collect()
}

/// The style of the table whose header is `line`, if `next` is its separator row.
fn header_style(line: &str, next: Option<&str>) -> Option<TableStyle> {
    let next = next?.trim();
    let is_separator = next.contains('-')
        && next.contains('|')
        && next.chars().all(|c| matches!(c, '-' | '|' | ':' | ' ' | '\t'));
    if !is_separator || !line.contains('|') {
        return None;
    }
    Some(if line.trim_start().starts_with('|') { TableStyle::Bordered } else { TableStyle::Bare })
}

/// Whether a line inside a table starts a new row (rather than continuing the advice
/// of the row before it). A row's first cell is one token with no spaces, and the line
/// is not markdown block syntax (list item, image, quote, heading, emphasis).
fn is_row_candidate(line: &str, style: TableStyle) -> bool {
    match style {
        TableStyle::Bordered => line.starts_with('|'),
        TableStyle::Bare => {
            let Some((first, _)) = line.split_once('|') else { return false };
            let first_is_token =
                !first.trim().is_empty() && !first.trim().contains(char::is_whitespace);
            let starts_block = line.starts_with(char::is_whitespace)
                || line.starts_with(['-', '*', '!', '>', '#', '[', '`', '+']);
            first_is_token && !starts_block
        }
    }
}

/// A line outside a table that looks like a row of either style with a numeric code.
fn looks_like_row(line: &str) -> bool {
    let trimmed = line.trim_start();
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    match inner.split_once('|') {
        Some((first, rest)) => {
            let first = first.trim();
            !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()) && rest.contains('|')
        }
        None => false,
    }
}

pub(crate) fn updated_line(line: &str) -> Option<Date> {
    let line = line.trim();
    let rest = line
        .strip_prefix("最后更新于")
        .or_else(|| line.strip_prefix("Last updated on"))
        .or_else(|| line.strip_prefix("Last updated:"))?;
    let rest = rest.trim();
    Date::parse(rest.get(..10)?)
}

fn parse_updated(value: &str) -> Option<Date> {
    if let Some(date) = value.get(..10).and_then(Date::parse) {
        return Some(date);
    }
    if !value.is_empty() && value.len() <= 16 && value.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = value.parse().ok()?;
        // Ten digits or fewer are seconds; the Lark mirror writes milliseconds.
        let millis = if value.len() <= 10 { n.saturating_mul(1000) } else { n };
        return Some(Date::from_unix_millis(millis));
    }
    None
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

pub(crate) fn is_html_comment(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("<!--") && line.ends_with("-->")
}

/// CJK Unified Ideographs (and extension A): enough to tell the Chinese page apart.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const BARE: &str = "---\ntitle: \"通用错误码\"\nsource_url: https://example.invalid/p\n---\n\
        最后更新于 2025-08-20\n\n# 标题\n> 说明\n\n错误码 | 说明 | 排查建议\n--- | --- | ---\n\
        600 | msg one | 建议一  \n- 第一条  \n    - 嵌套  \n![image.png](https://cdn/x.png)\n\
        1002 | Failed | 文档已删除\n1002 | Other | 第二条\n";

    #[test]
    fn bare_style_with_front_matter_and_continuations() {
        let doc = Document::parse(BARE).unwrap();
        assert_eq!(doc.style, TableStyle::Bare);
        assert_eq!(doc.metadata.title.as_deref(), Some("通用错误码"));
        assert_eq!(doc.metadata.source_url.as_deref(), Some("https://example.invalid/p"));
        assert_eq!(doc.metadata.updated, Date::parse("2025-08-20"));
        assert_eq!(doc.metadata.language, Language::Zh);
        let codes: Vec<u32> = doc.rows.iter().map(|r| r.code).collect();
        assert_eq!(codes, [600, 1002, 1002]);
        assert_eq!(doc.rows[0].line, 12);
        assert_eq!(
            doc.rows[0].advice,
            "建议一\n- 第一条\n    - 嵌套\n![image.png](https://cdn/x.png)"
        );
        assert_eq!(doc.rows[2].message, "Other");
    }

    #[test]
    fn bordered_style_with_comment_and_epoch_date() {
        let page = "<!-- mirror -->\n---\ntitle: \"Server Error Codes\"\nurl: \"https://x.invalid\"\n\
            updated: \"1646296632000\"\n---\n\n| Error Code | Description | Suggestion |\n\
            | --- | --- | --- |\n| 1002 | Failed | Deleted file, see [doc](https://d/x) |\n";
        let doc = Document::parse(page).unwrap();
        assert_eq!(doc.style, TableStyle::Bordered);
        assert_eq!(doc.metadata.source_url.as_deref(), Some("https://x.invalid"));
        assert_eq!(doc.metadata.updated.unwrap().to_string(), "2022-03-03");
        assert_eq!(doc.metadata.language, Language::En);
        assert_eq!(doc.rows[0].advice, "Deleted file, see [doc](https://d/x)");
    }

    #[test]
    fn malformed_rows_name_their_lines() {
        let page = "a | b | c\n--- | --- | ---\n600 | x | y\nabc | x | y\n700 | only\n\
            99999999999 | x | y\n800 |  | y\n";
        let (doc, problems) = Document::parse_lenient(page);
        assert_eq!(doc.rows.len(), 1);
        let got: Vec<(usize, DocErrorKind)> =
            problems.into_iter().map(|p| (p.line, p.kind)).collect();
        assert_eq!(
            got,
            [
                (4, DocErrorKind::BadCode { text: "abc".into() }),
                (5, DocErrorKind::TooFewCells { found: 2 }),
                (6, DocErrorKind::CodeOutOfRange { text: "99999999999".into() }),
                (7, DocErrorKind::EmptyMessage),
            ]
        );
    }

    #[test]
    fn empty_and_tableless_pages() {
        assert_eq!(
            Document::parse("").unwrap_err(),
            DocError { line: 1, kind: DocErrorKind::Empty }
        );
        assert_eq!(Document::parse("  \n\n").unwrap_err().kind, DocErrorKind::Empty);
        let err = Document::parse("# title\nsome text\n").unwrap_err();
        assert_eq!(err.kind, DocErrorKind::NoTable);
        let err = Document::parse("a | b | c\n--- | --- | ---\n").unwrap_err();
        assert_eq!(err.kind, DocErrorKind::NoRows);
    }

    #[test]
    fn rows_outside_the_table_are_reported() {
        let page =
            "600 | early | row\na | b | c\n--- | --- | ---\n700 | x | y\n\n800 | late | row\n";
        let (doc, problems) = Document::parse_lenient(page);
        assert_eq!(doc.rows.len(), 1);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 6]);
        assert!(problems.iter().all(|p| p.kind == DocErrorKind::RowOutsideTable));
    }

    #[test]
    fn a_byte_order_mark_keeps_the_front_matter() {
        let page = format!("\u{FEFF}{BARE}");
        let doc = Document::parse(&page).unwrap();
        assert_eq!(doc.metadata.title.as_deref(), Some("通用错误码"));
        assert_eq!(doc.metadata.source_url.as_deref(), Some("https://example.invalid/p"));
        assert_eq!(doc.rows.len(), 3);
        assert_eq!(doc.rows[0].line, 12);
        assert_eq!(Document::parse("\u{FEFF}").unwrap_err().kind, DocErrorKind::Empty);
    }

    #[test]
    fn a_page_cut_mid_link_is_reported() {
        let page = "a | b | c\n--- | --- | ---\n600 | x | 见[文档](https://ok)\n700 | y | 见\n- [帮助](https://open.feishu.cn/doc";
        let (doc, problems) = Document::parse_lenient(page);
        assert_eq!(doc.rows.len(), 2);
        assert_eq!(problems, [DocError { line: 5, kind: DocErrorKind::UnclosedLink }]);
        // Link text over two lines is a link, not a cut.
        let page = "a | b | c\n--- | --- | ---\n600 | x | 见[文档  \n](https://ok)。\n";
        assert!(Document::parse(page).is_ok());
        // Cut in the prose after the table: the page ends inside a link's URL.
        let table = "a | b | c\n--- | --- | ---\n600 | x | 见[文档](https://ok)\n\n";
        for (tail, cut) in [
            ("其他错误码请参见[通用错误码](https://open.feishu.cn/doc", true),
            ("其他错误码请参见[通用错误码](https://open.feishu.cn/doc\n", true),
            ("其他错误码请参见[通用错误码](  \nhttps://open.feishu.cn/doc", true),
            ("其他错误码请参见[通用错误码](https://open.feishu.cn/doc)。", false),
            ("a](b c", false),
        ] {
            let (doc, problems) = Document::parse_lenient(&format!("{table}{tail}"));
            assert_eq!(doc.rows.len(), 1);
            let want = if cut {
                vec![DocError { line: 5, kind: DocErrorKind::UnclosedLink }]
            } else {
                vec![]
            };
            assert_eq!(problems, want, "{tail:?}");
        }
        // A cut in a row is reported once.
        let (_, problems) =
            Document::parse_lenient("a | b | c\n--- | --- | ---\n600 | x | 见[文档](https://o");
        assert_eq!(problems, [DocError { line: 3, kind: DocErrorKind::UnclosedLink }]);
    }

    #[test]
    fn unclosed_front_matter() {
        let err = Document::parse("---\ntitle: x\n").unwrap_err();
        assert_eq!(err, DocError { line: 1, kind: DocErrorKind::UnclosedFrontMatter });
    }

    #[test]
    fn links_skip_images_and_nested_brackets() {
        let md = "[a](https://a) ![img](https://i) [[b]](x) [c](https://c?q=1) [d](no close";
        let got: Vec<(&str, &str)> = links(md).into_iter().map(|l| (l.text, l.url)).collect();
        assert_eq!(got, [("a", "https://a"), ("c", "https://c?q=1")]);
    }
}
