//! Parser for the platform's server-API reference pages, as markdown.
//!
//! Each API page has a request table (`名称 | 值`: URL, method, rate-limit tier, app
//! types, scopes) and usually an error-code section: a table of the codes that API
//! returns, with an HTTP status, the wire `msg` and advice. The pages use a dozen
//! table layouts, all handled here:
//!
//! - 4 columns `HTTP状态码 | 错误码 | 描述 | 排查建议` (most pages) or 3 columns
//!   `错误码 | 说明 | 排查建议` (also `描述`, `错误信息`, `原因`, `频控策略`, ... for the
//!   message and `建议`, `解决方案` for the advice);
//! - pipe-bordered (`| 400 | 1 | x | y |`), bare (`400 | 1 | x | y`) or mixed within a
//!   table, misaligned or missing separator rows, a code in backticks or bold, extra
//!   columns (`code | message | 说明 | 排查建议`, `错误码 | 校验 | 错误信息 | 错误信息（英文）`);
//! - cells continued over several lines: every line after a row that does not start a
//!   row belongs to that row (usually to its advice, as on the generic page);
//! - sub-code sections (`### 230099 子错误码`): codes carried inside another code's
//!   `msg`, whose rows get [`ErrorRow::parent`].
//!
//! Front matter, dates, links and message keys are the generic page parser's
//! ([`crate::doc`]). Parsing is pure, lenient and never panics: every line that looks
//! like an error row either becomes an [`ErrorRow`] or a [`PageProblem`] naming its
//! line.
//!
//! ```
//! use lark_errors_page::api::{RateLimitSpec, parse_api_page};
//!
//! let page = "---\ntitle: \"发送消息\"\nsource_url: https://open.feishu.cn/document/server-docs/im-v1/message/create\n---\n\
//!     最后更新于 2025-08-12\n\n名称 | 值\n---|---\n\
//!     HTTP URL | https://open.feishu.cn/open-apis/im/v1/messages\nHTTP Method | POST\n\
//!     接口频率限制 | [1000 次/分钟、50 次/秒](https://open.feishu.cn/document/ukTMukTMukTM/uUzN04SN3QjL1cDN)\n\
//!     权限要求  \n            开启任一权限即可 | 获取与发送单聊、群组消息(im:message)  \n            以应用的身份发消息(im:message:send_as_bot)\n\n\
//!     ### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n\
//!     400 | 230001 | Your request contains an invalid request parameter. | 参数错误\n";
//! let api = parse_api_page("im-v1/message/create.md", page);
//! assert!(api.problems.is_empty());
//! assert_eq!(api.title.as_deref(), Some("发送消息"));
//! let request = api.request.as_ref().unwrap();
//! assert_eq!(request.method.as_deref(), Some("POST"));
//! assert_eq!(request.rate_limit, Some(RateLimitSpec::windows(Some(50), Some(1000))));
//! assert_eq!(request.scopes[1].id, "im:message:send_as_bot");
//! assert_eq!((api.errors[0].http_status, api.errors[0].code), (Some(400), 230001));
//! assert_eq!(api.errors[0].advice, "参数错误");
//! ```

use std::fmt;
use std::path::Path;

use lark_errors::catalog::RateLimit;

use crate::Date;
use crate::doc::{
    FrontMatter, cut_in_link, links, page_lines, parse_code, unclosed_link, updated_line,
};
use crate::read::{FolderLimits, MAX_DEPTH, MAX_PAGE_BYTES, PageError, read_page_limited};

/// One parsed API reference page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiPage {
    /// The page's path as given to [`parse_api_page`] (relative to the folder, with `/`
    /// separators, from [`read_api_pages`]).
    pub path: String,
    /// `title` from the front matter, else the first `# ` heading.
    pub title: Option<String>,
    /// `source_url` (or `url`) from the front matter.
    pub source_url: Option<String>,
    /// The page's date: a `最后更新于 YYYY-MM-DD` line, else `last_remote_update` (or
    /// `updated`) from the front matter.
    pub updated: Option<Date>,
    /// The request table (`名称 | 值`), if the page has one.
    pub request: Option<RequestTable>,
    /// Every error row of every error table, in document order, duplicates kept.
    pub errors: Vec<ErrorRow>,
    /// Everything that could not be parsed, sorted by line.
    pub problems: Vec<PageProblem>,
}

/// The request table: how the API is called and who may call it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RequestTable {
    /// 1-based line of the table's `名称 | 值` header.
    pub line: usize,
    /// `HTTP URL`: the endpoint, with `:param` path parameters as written.
    pub url: Option<String>,
    /// `HTTP Method`: `GET`, `POST`, ...
    pub method: Option<String>,
    /// `接口频率限制`: the API's rate-limit tier.
    pub rate_limit: Option<RateLimitSpec>,
    /// The link target of the `接口频率限制` cell (the frequency-control page).
    pub rate_limit_url: Option<String>,
    /// `支持的应用类型`, split on `、`: `自建应用`, `商店应用`.
    pub app_types: Vec<String>,
    /// `权限要求`: the scopes of which any one suffices to call the API.
    pub scopes: Vec<Scope>,
    /// `字段权限要求`: scopes that unlock sensitive fields of the response.
    pub field_scopes: Vec<Scope>,
}

/// A rate-limit tier as the request table gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimitSpec {
    /// Fixed windows: at most so many calls per second / minute / hour / day.
    Windows {
        /// `N 次/秒`.
        per_second: Option<u32>,
        /// `N 次/分钟`.
        per_minute: Option<u32>,
        /// `N 次/小时`.
        per_hour: Option<u32>,
        /// `N 次/天`.
        per_day: Option<u32>,
    },
    /// `特殊频控`: a limit of its own, described on the API's page or the
    /// frequency-control page.
    Special,
}

impl fmt::Display for RateLimitSpec {
    /// `1000/min, 50/s`, `100/min`, `special`: the longest window first (as the
    /// runtime library writes a rate limit).
    ///
    /// ```
    /// use lark_errors_page::api::RateLimitSpec;
    /// assert_eq!(RateLimitSpec::windows(Some(50), Some(1000)).to_string(), "1000/min, 50/s");
    /// assert_eq!(RateLimitSpec::Special.to_string(), "special");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tier = match *self {
            RateLimitSpec::Special => Some(RateLimit::Special),
            RateLimitSpec::Windows { per_second, per_minute, per_hour, per_day } => {
                RateLimit::from_windows(per_second, per_minute, per_hour, per_day)
            }
        };
        match tier {
            Some(tier) => tier.fmt(f),
            None => f.write_str("(no window)"),
        }
    }
}

impl serde::Serialize for RateLimitSpec {
    /// As its [`Display`](fmt::Display) text: `"1000/min, 50/s"`, `"special"`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl RateLimitSpec {
    /// A [`RateLimitSpec::Windows`] with only per-second and per-minute limits (the
    /// forms the pages use).
    pub const fn windows(per_second: Option<u32>, per_minute: Option<u32>) -> RateLimitSpec {
        RateLimitSpec::Windows { per_second, per_minute, per_hour: None, per_day: None }
    }

    /// Parses the text of a `接口频率限制` cell, link or not: `[1000 次/分钟、50 次/秒](url)`,
    /// `100 次/分钟`, `[特殊频控](url)`.
    ///
    /// ```
    /// use lark_errors_page::api::RateLimitSpec;
    /// assert_eq!(RateLimitSpec::parse("[10 次/秒](https://x)"), Some(RateLimitSpec::windows(Some(10), None)));
    /// assert_eq!(RateLimitSpec::parse("特殊频控"), Some(RateLimitSpec::Special));
    /// assert_eq!(RateLimitSpec::parse("很多次"), None);
    /// ```
    pub fn parse(cell: &str) -> Option<RateLimitSpec> {
        let cell = cell.trim();
        let text = match links(cell).first() {
            Some(link) => link.text,
            None => cell,
        };
        let text = text.trim();
        if text == "特殊频控" {
            return Some(RateLimitSpec::Special);
        }
        let (mut s, mut m, mut h, mut d) = (None, None, None, None);
        for part in text.split(['、', ',', '，']) {
            let part = part.trim();
            let (count, unit) = part.split_once("次/")?;
            let count: u32 = count.trim().parse().ok()?;
            let slot = match unit.trim() {
                "秒" => &mut s,
                "分钟" => &mut m,
                "小时" => &mut h,
                "天" | "日" => &mut d,
                _ => return None,
            };
            if slot.replace(count).is_some() {
                return None;
            }
        }
        Some(RateLimitSpec::Windows { per_second: s, per_minute: m, per_hour: h, per_day: d })
    }
}

/// A permission scope: `更新外部 Offer(hire:external_offer)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub struct Scope {
    /// The scope's identifier: `hire:external_offer`.
    pub id: String,
    /// Its name as the page gives it: `更新外部 Offer`; empty where the page gives only
    /// the id.
    pub name: String,
}

impl Scope {
    /// Parses one `name(id)` item (half- or full-width parentheses).
    ///
    /// ```
    /// let s = lark_errors_page::api::Scope::parse("更新外部 Offer(hire:external_offer)").unwrap();
    /// assert_eq!((s.name.as_str(), s.id.as_str()), ("更新外部 Offer", "hire:external_offer"));
    /// ```
    pub fn parse(item: &str) -> Option<Scope> {
        let item = item.trim().trim_matches('*').trim();
        let (inner, close) = if let Some(rest) = item.strip_suffix(')') {
            (rest, '(')
        } else {
            (item.strip_suffix('）')?, '（')
        };
        let open = inner.rfind(close)?;
        let id = inner[open + close.len_utf8()..].trim();
        let name = inner[..open].trim().trim_matches('*').trim();
        let id_ok =
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(&b));
        (id_ok && !name.is_empty()).then(|| Scope { id: id.to_owned(), name: name.to_owned() })
    }
}

/// One row of an error table: an error code this API returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorRow {
    /// 1-based line of the row's first line.
    pub line: usize,
    /// The `HTTP状态码` cell, when the table has one.
    pub http_status: Option<u16>,
    /// The error code.
    pub code: u32,
    /// The documented `msg`: the `描述` / `说明` / `错误信息` cell, or the English
    /// `msg` / `message` / `错误信息（英文）` cell when the table has both.
    pub message: String,
    /// The advice cell (`排查建议`, `建议`, `解决方案`), markdown as written, continuation
    /// lines joined with `\n` (each with trailing whitespace trimmed); empty when the
    /// table has no advice column.
    pub advice: String,
    /// For the rows of a sub-code table (`### 230099 子错误码`): the code they are
    /// carried in.
    pub parent: Option<u32>,
    /// The Chinese description when the table has one besides the English `msg` (for
    /// example `code | message | 说明 | 排查建议`).
    pub description: Option<String>,
    /// The cells of columns with no role above (`校验`), in column order.
    pub extra: Vec<String>,
}

/// A problem found in an API page, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageProblem {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub kind: PageProblemKind,
}

/// What is wrong in an API page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageProblemKind {
    /// The front matter opened with `---` is never closed.
    UnclosedFrontMatter,
    /// An error row's code cell is not a decimal number.
    BadCode {
        /// The cell's text.
        text: String,
    },
    /// An error row's code does not fit in 32 bits.
    CodeOutOfRange {
        /// The cell's text.
        text: String,
    },
    /// An error row's HTTP status cell is not a status (100-599).
    BadStatus {
        /// The cell's text.
        text: String,
    },
    /// An error row has fewer cells than the table's code and message columns need.
    TooFewCells {
        /// How many cells the row has.
        found: usize,
        /// How many it needs.
        expected: usize,
    },
    /// An error row's message cell is empty.
    EmptyMessage,
    /// A line that looks like an error row outside any error table.
    RowOutsideTable,
    /// The `接口频率限制` cell is in no known form.
    BadRateLimit {
        /// The cell's text.
        text: String,
    },
    /// A markdown link is opened but never closed: the page was cut mid-link.
    UnclosedLink,
    /// A `权限要求` list names a scope without its `(id)`.
    ScopeWithoutId {
        /// The scope's name as written.
        text: String,
    },
}

impl PageProblemKind {
    /// Whether the problem is only a note: the page states something incompletely
    /// (a scope named without its id), nothing the page documents is lost, and tools
    /// accept the page anyway (`larkerr doc check` lists it, exits 0; codegen accepts
    /// it). Every other problem loses something the page says.
    ///
    /// ```
    /// use lark_errors_page::api::PageProblemKind;
    /// assert!(PageProblemKind::ScopeWithoutId { text: "获取角色".into() }.is_note());
    /// assert!(!PageProblemKind::EmptyMessage.is_note());
    /// ```
    pub fn is_note(&self) -> bool {
        matches!(self, PageProblemKind::ScopeWithoutId { .. })
    }
}

impl fmt::Display for PageProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageProblemKind::UnclosedFrontMatter => {
                f.write_str("front matter `---` is never closed")
            }
            PageProblemKind::BadCode { text } => write!(f, "code `{text}` is not a decimal number"),
            PageProblemKind::CodeOutOfRange { text } => {
                write!(f, "code `{text}` is out of range (at most {})", u32::MAX)
            }
            PageProblemKind::BadStatus { text } => {
                write!(f, "HTTP status `{text}` is not a status code")
            }
            PageProblemKind::TooFewCells { found, expected } => {
                write!(f, "error row has {found} cells, expected at least {expected}")
            }
            PageProblemKind::EmptyMessage => f.write_str("error row has an empty message cell"),
            PageProblemKind::RowOutsideTable => f.write_str("error row outside any error table"),
            PageProblemKind::BadRateLimit { text } => {
                write!(f, "rate limit `{text}` is in no known form")
            }
            PageProblemKind::UnclosedLink => {
                f.write_str("a link is never closed (the page is cut in the middle of a link)")
            }
            PageProblemKind::ScopeWithoutId { text } => {
                write!(f, "scope `{text}` has no `(id)`")
            }
        }
    }
}

impl PageProblem {
    /// `page:line: what`, for a page at `path`.
    ///
    /// ```
    /// use lark_errors_page::api::parse_api_page;
    /// let page = parse_api_page("a/b.md", "错误码 | 描述 | 排查建议\n--- | --- | ---\nx1 | m | a\n");
    /// assert_eq!(page.problems[0].display_at("a/b.md").to_string(), "a/b.md:3: code `x1` is not a decimal number");
    /// ```
    pub fn display_at<'a>(&'a self, path: &'a str) -> impl fmt::Display + 'a {
        struct At<'a>(&'a str, &'a PageProblem);
        impl fmt::Display for At<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}:{}: {}", self.0, self.1.line, self.1.kind)
            }
        }
        At(path, self)
    }
}

impl fmt::Display for PageProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.kind)
    }
}

impl ApiPage {
    /// Every problem as `page:line: what`, one per item.
    pub fn problem_lines(&self) -> Vec<String> {
        self.problems.iter().map(|p| p.display_at(&self.path).to_string()).collect()
    }

    /// The API the page documents: its request table's method and URL, as an
    /// [`ApiId`]; `None` for a page without a request table, or whose table lacks the
    /// method or the URL.
    ///
    /// ```
    /// use lark_errors_page::api::parse_api_page;
    /// let page = parse_api_page("a.md", "名称 | 值\n---|---\n\
    ///     HTTP URL | https://open.feishu.cn/open-apis/im/v1/messages/{message_id}?x=1\nHTTP Method | get\n");
    /// assert_eq!(page.api().unwrap().to_string(), "GET /open-apis/im/v1/messages/:message_id");
    /// ```
    pub fn api(&self) -> Option<ApiId> {
        let request = self.request.as_ref()?;
        let method = request.method.as_deref()?.trim().to_ascii_uppercase();
        let url = request.url.as_deref()?;
        (!method.is_empty()).then(|| ApiId { method, path: path_template(url) })
    }
}

/// An API's identity: method and path template. Two pages document the same API when
/// their [`ApiId`]s are equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[non_exhaustive]
pub struct ApiId {
    /// The HTTP method, upper case: `POST`.
    pub method: String,
    /// The path template, host and query removed, parameters written `:name`:
    /// `/open-apis/im/v1/messages/:message_id`.
    pub path: String,
}

impl fmt::Display for ApiId {
    /// `POST /open-apis/im/v1/messages`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The path template of an `HTTP URL` cell: scheme, host, query and fragment removed,
/// empty segments dropped, `{name}` written `:name`.
///
/// ```
/// use lark_errors_page::api::path_template;
/// assert_eq!(path_template("https://open.feishu.cn/open-apis/a/{id}/b?x=1"), "/open-apis/a/:id/b");
/// assert_eq!(path_template("/open-apis//a/"), "/open-apis/a");
/// ```
pub fn path_template(url: &str) -> String {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or("");
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    let mut out = String::with_capacity(path.len() + 1);
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                out.push(':');
                out.push_str(name);
            }
            None => out.push_str(segment),
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// What a column of an error table holds, from its header cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Status,
    Code,
    /// The English wire `msg`.
    Wire,
    /// A description (Chinese or the `msg` itself).
    Description,
    Advice,
    Other,
}

fn role(header: &str) -> Role {
    let h: String = header.chars().filter(|c| !matches!(c, '*' | '`' | ' ' | '\t')).collect();
    let lower = h.to_ascii_lowercase();
    if lower.starts_with("http") {
        Role::Status
    } else if matches!(h.as_str(), "错误码" | "code" | "Code" | "错误码code" | "errorcode")
        || lower == "errorcode"
    {
        Role::Code
    } else if matches!(lower.as_str(), "msg" | "message" | "错误信息（英文）" | "错误信息(英文)")
    {
        Role::Wire
    } else if matches!(
        h.as_str(),
        "描述" | "说明" | "错误信息" | "原因" | "频控策略" | "错误描述" | "含义"
    ) {
        Role::Description
    } else if matches!(h.as_str(), "排查建议" | "建议" | "解决方案" | "处理建议" | "解决办法")
    {
        Role::Advice
    } else {
        Role::Other
    }
}

/// The layout of one error table, from its header row.
#[derive(Debug, Clone)]
struct Layout {
    roles: Vec<Role>,
    code: usize,
    status: Option<usize>,
    /// The column whose text is [`ErrorRow::message`].
    message: usize,
    /// The other description column, when the message comes from a wire column.
    description: Option<usize>,
    advice: Option<usize>,
}

impl Layout {
    fn of_header(line: &str) -> Option<Layout> {
        if !line.contains('|') {
            return None;
        }
        let roles: Vec<Role> = strip_borders(line).split('|').map(role).collect();
        let code = roles.iter().position(|r| *r == Role::Code)?;
        let status = roles.iter().position(|r| *r == Role::Status);
        let wire = roles.iter().position(|r| *r == Role::Wire);
        let desc = roles.iter().position(|r| *r == Role::Description);
        let (message, description) = match (wire, desc) {
            (Some(w), d) => (w, d),
            (None, Some(d)) => (d, None),
            // No named message column: the first column after the code.
            (None, None) => (code + 1, None),
        };
        if message >= roles.len().max(code + 2) {
            return None;
        }
        let advice = roles.iter().position(|r| *r == Role::Advice);
        Some(Layout { roles, code, status, message, description, advice })
    }

    fn columns(&self) -> usize {
        self.roles.len()
    }

    /// How many cells a row needs before its last needed column is present.
    fn needed(&self) -> usize {
        [Some(self.code), self.status, Some(self.message)].into_iter().flatten().max().unwrap_or(0)
            + 1
    }
}

/// `| a | b |` → ` a | b `; a bare row is returned trimmed.
fn strip_borders(line: &str) -> &str {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    t.strip_suffix('|').unwrap_or(t)
}

/// A separator row: only `-`, `|`, `:` and spaces, with at least one `-`.
fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '-' | '|' | ':' | ' ' | '\t'))
}

/// The code text of a cell: trimmed, without backticks or bold.
fn code_text(cell: &str) -> &str {
    cell.trim().trim_matches(['`', '*']).trim()
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A line that looks like an error row of some table: `[|] [status |] code | text`,
/// where the code is a number of three digits or more (optionally in backticks).
fn looks_like_error_row(line: &str) -> bool {
    let inner = strip_borders(line);
    let mut cells = inner.split('|').map(code_text);
    let (Some(first), Some(second)) = (cells.next(), cells.next()) else { return false };
    let third = cells.next();
    let code_like = |c: &str| is_number(c) && c.len() >= 3;
    (code_like(first) && (third.is_some() || !second.is_empty()))
        || (is_number(first) && first.len() == 3 && code_like(second) && third.is_some())
}

/// Parses one API page. Pure, lenient, never panics: what does not parse is a
/// [`PageProblem`].
pub fn parse_api_page(path: &str, text: &str) -> ApiPage {
    let lines = page_lines(text);
    let fm = FrontMatter::read(&lines);
    let mut page = ApiPage {
        path: path.to_owned(),
        title: fm.title,
        source_url: fm.source_url,
        updated: None,
        request: None,
        errors: Vec::new(),
        problems: Vec::new(),
    };
    if let Some(line) = fm.unclosed_at {
        page.problems.push(PageProblem { line, kind: PageProblemKind::UnclosedFrontMatter });
    }
    let mut updated = None;
    let mut parser = Parser { page: &mut page, table: None, parent: None, heading_title: None };
    for (i, line) in lines.iter().enumerate().skip(fm.end) {
        if updated.is_none() {
            updated = updated_line(line);
        }
        parser.line(i + 1, line, lines.get(i + 1).copied());
    }
    parser.end_table();
    if let Some(line) = cut_in_link(text) {
        let cut = PageProblem { line, kind: PageProblemKind::UnclosedLink };
        if !parser.page.problems.contains(&cut) {
            parser.page.problems.push(cut);
        }
    }
    let heading_title = parser.heading_title.take();
    page.updated = updated.or(fm.updated);
    if page.title.is_none() {
        page.title = heading_title;
    }
    page.problems.sort_by_key(|p| p.line);
    page
}

/// Where the parser is.
enum Table {
    /// In the request table; the key being read and its text so far.
    Request { key: Option<(usize, String)>, text: String },
    /// In an error table, with the row being read (its first line and its lines).
    Errors {
        layout: Layout,
        row: Option<(usize, String)>,
        skip_separator: bool,
        /// Lines held since a blank line inside the table: they continue the row before
        /// them if another row follows, else the table ended at the blank line.
        gap: Option<String>,
    },
}

struct Parser<'p> {
    page: &'p mut ApiPage,
    table: Option<Table>,
    /// The parent code of the current section (`### 230099 子错误码`).
    parent: Option<u32>,
    heading_title: Option<String>,
}

const REQUEST_KEYS: [&str; 6] =
    ["HTTP URL", "HTTP Method", "接口频率限制", "支持的应用类型", "字段权限要求", "权限要求"];

impl Parser<'_> {
    fn problem(&mut self, line: usize, kind: PageProblemKind) {
        self.page.problems.push(PageProblem { line, kind });
    }

    fn line(&mut self, number: usize, line: &str, next: Option<&str>) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(Table::Errors { row: Some(_), gap, .. }) = &mut self.table {
                gap.get_or_insert_with(String::new).push('\n');
                return;
            }
        }
        let ends_table = trimmed.is_empty() || line.starts_with('#') || trimmed.starts_with("<!--");
        let new_header = matches!(self.table, Some(Table::Errors { .. }))
            && Layout::of_header(line).is_some()
            && !looks_like_error_row(line);
        if new_header {
            self.end_table();
        }
        if ends_table {
            self.end_table();
            if let Some(heading) = line.strip_prefix('#') {
                self.heading(heading);
            }
            return;
        }
        match &mut self.table {
            Some(Table::Request { .. }) => self.request_line(number, line),
            Some(Table::Errors { skip_separator, .. }) if *skip_separator && is_separator(line) => {
                *skip_separator = false;
            }
            Some(Table::Errors { .. }) => self.error_line(number, line),
            None => {
                if trimmed.split('|').map(str::trim).collect::<Vec<_>>() == ["名称", "值"]
                    && next.is_some_and(is_separator)
                {
                    let request = RequestTable { line: number, ..RequestTable::default() };
                    self.page.request.get_or_insert(request);
                    self.table = Some(Table::Request { key: None, text: String::new() });
                    // The separator is skipped as a line with no key.
                } else if let Some(layout) = Layout::of_header(line) {
                    self.table =
                        Some(Table::Errors { layout, row: None, skip_separator: true, gap: None });
                } else if looks_like_error_row(line) {
                    self.problem(number, PageProblemKind::RowOutsideTable);
                }
            }
        }
    }

    fn heading(&mut self, heading: &str) {
        let text = heading.trim_start_matches('#').trim();
        if heading.starts_with(' ') && self.heading_title.is_none() && !text.is_empty() {
            self.heading_title = Some(text.to_owned());
        }
        self.parent = if text.contains("子错误码") {
            let digits: String = text
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit())
                .collect();
            digits.parse().ok()
        } else {
            None
        };
    }

    fn request_line(&mut self, number: usize, line: &str) {
        let trimmed = line.trim_start();
        let starts_key = if line.starts_with(char::is_whitespace) {
            None
        } else {
            REQUEST_KEYS.iter().copied().find(|k| {
                trimmed
                    .strip_prefix(*k)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '|', '\t']))
            })
        };
        let Some(Table::Request { key, text }) = &mut self.table else { return };
        match starts_key {
            Some(k) => {
                let finished = key.take().map(|(line, name)| (line, name, std::mem::take(text)));
                *key = Some((number, k.to_owned()));
                let rest = trimmed[k.len()..].trim_start();
                text.push_str(rest.strip_prefix('|').unwrap_or(rest));
                if let Some((line, name, value)) = finished {
                    self.request_value(line, &name, &value);
                }
            }
            _ if key.is_some() => {
                text.push('\n');
                text.push_str(line.trim());
            }
            // The separator row, or a row with an unknown key before any known one.
            _ => {}
        }
    }

    fn request_value(&mut self, line: usize, key: &str, value: &str) {
        let first = value.lines().next().unwrap_or("").trim().to_owned();
        let mut bad_rate = None;
        let mut nameless = Vec::new();
        let Some(request) = self.page.request.as_mut() else { return };
        match key {
            "HTTP URL" => request.url = Some(first).filter(|s| !s.is_empty()),
            "HTTP Method" => request.method = Some(first).filter(|s| !s.is_empty()),
            "接口频率限制" => {
                request.rate_limit = RateLimitSpec::parse(&first);
                request.rate_limit_url = links(&first).first().map(|l| l.url.to_owned());
                if request.rate_limit.is_none() {
                    bad_rate = Some(first);
                }
            }
            "支持的应用类型" => {
                request.app_types = first
                    .split(['、', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            "权限要求" | "字段权限要求" => {
                let (found, names) = scopes(value);
                nameless = names;
                if key == "权限要求" {
                    request.scopes = found;
                } else {
                    request.field_scopes = found;
                }
            }
            _ => {}
        }
        for (offset, text) in nameless {
            self.problem(line + offset, PageProblemKind::ScopeWithoutId { text });
        }
        if let Some(text) = bad_rate {
            self.problem(line, PageProblemKind::BadRateLimit { text });
        }
    }

    fn error_line(&mut self, number: usize, line: &str) {
        let Some(Table::Errors { layout, row, skip_separator, gap }) = &mut self.table else {
            return;
        };
        *skip_separator = false;
        let cells: Vec<&str> = strip_borders(line).split('|').collect();
        let code = cells.get(layout.code).map(|c| code_text(c)).unwrap_or("");
        let starts_row = is_number(code) && !line.starts_with(char::is_whitespace);
        let malformed = !starts_row
            && !line.starts_with(char::is_whitespace)
            && !line.trim_start().starts_with(['-', '*', '!', '>', '[', '+', '`'])
            && cells.len() >= layout.columns().min(3)
            && cells.first().is_some_and(|c| {
                let t = code_text(c);
                !t.is_empty() && !t.contains(char::is_whitespace)
            })
            && cells.get(layout.code).is_some_and(|c| {
                let t = code_text(c);
                !t.is_empty() && !t.contains(char::is_whitespace)
            });
        if !(starts_row || malformed) {
            if let Some(gap) = gap {
                gap.push('\n');
                gap.push_str(line.trim_end());
                return;
            }
        }
        if starts_row || malformed {
            let mut finished = row.take();
            if let (Some((_, text)), Some(gap)) = (&mut finished, gap.take()) {
                text.push_str(&gap);
            }
            if starts_row {
                // A trailing border pipe ends the first line's last cell, not the row.
                let mut first = line.trim_end();
                let left = first.trim_start();
                let raw_cells = left.strip_prefix('|').unwrap_or(left).split('|').count();
                if raw_cells > layout.columns() {
                    first = first.strip_suffix('|').unwrap_or(first);
                }
                *row = Some((number, first.to_owned()));
            }
            if let Some((first, text)) = finished {
                self.finish_row(first, &text);
            }
            if malformed {
                self.problem(number, PageProblemKind::BadCode { text: code.to_owned() });
            }
            return;
        }
        if let Some((_, text)) = row {
            text.push('\n');
            text.push_str(line.trim_end());
        }
        // Text after the header but before any row (a note) is not a row: ignored.
    }

    fn end_table(&mut self) {
        match self.table.take() {
            Some(Table::Request { key: Some((line, name)), text }) => {
                self.request_value(line, &name, &text)
            }
            Some(Table::Errors { layout, row: Some((first, text)), .. }) => {
                let table = Table::Errors { layout, row: None, skip_separator: false, gap: None };
                self.table = Some(table);
                self.finish_row(first, &text);
                self.table = None;
            }
            _ => {}
        }
    }

    /// Splits a row's text (its lines joined with `\n`) into cells and records it.
    fn finish_row(&mut self, line: usize, text: &str) {
        let Some(Table::Errors { layout, .. }) = &self.table else { return };
        let layout = layout.clone();
        let body = text.trim();
        let body = body.strip_prefix('|').unwrap_or(body);
        let mut cells: Vec<&str> = body.splitn(layout.columns(), '|').collect();
        if cells.len() == layout.columns() {
            // A trailing border pipe on the last line (or on the first, one-line row).
            if let Some(last) = cells.last_mut() {
                let t = last.trim_end();
                *last = t.strip_suffix('|').unwrap_or(t);
            }
        }
        if cells.len() < layout.needed() {
            let found = cells.len();
            self.problem(line, PageProblemKind::TooFewCells { found, expected: layout.needed() });
            return;
        }
        let code_cell = code_text(cells[layout.code]);
        let code = match parse_code(code_cell) {
            Ok(code) => code,
            Err(_) => {
                let text = code_cell.to_owned();
                self.problem(line, PageProblemKind::CodeOutOfRange { text });
                return;
            }
        };
        let http_status = match layout.status {
            Some(i) => {
                let t = code_text(cells[i]);
                match t.parse::<u16>() {
                    Ok(s) if (100..=599).contains(&s) => Some(s),
                    _ => {
                        self.problem(line, PageProblemKind::BadStatus { text: t.to_owned() });
                        return;
                    }
                }
            }
            None => None,
        };
        let cell = |i: usize| multiline(cells.get(i).copied().unwrap_or(""));
        let message = cell(layout.message);
        if message.is_empty() {
            self.problem(line, PageProblemKind::EmptyMessage);
            return;
        }
        let advice = layout.advice.map(cell).unwrap_or_default();
        if let Some(at) = unclosed_link(text) {
            self.problem(line + text[..at].matches('\n').count(), PageProblemKind::UnclosedLink);
        }
        let extra = layout
            .roles
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                **r == Role::Other
                    || (**r == Role::Description
                        && *i != layout.message
                        && Some(*i) != layout.description)
            })
            .map(|(i, _)| cell(i))
            .collect();
        self.page.errors.push(ErrorRow {
            line,
            http_status,
            code,
            message,
            advice,
            parent: self.parent,
            description: layout.description.map(cell),
            extra,
        });
    }
}

/// A cell's text: trimmed, each line's trailing whitespace trimmed.
fn multiline(cell: &str) -> String {
    let mut out = String::new();
    for (i, line) in cell.trim().split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line.trim_end());
    }
    out
}

/// The scopes of a `权限要求` value (its lines joined with `\n`, the first line being
/// the key's): `name(id)` items, one a line, after any `开启任一权限即可 |` lead-in, or a
/// bare `id`. Notes (bold, list items, `：` sentences) are skipped; a name without an id
/// in the list is returned apart, with its line offset, to be reported.
fn scopes(value: &str) -> (Vec<Scope>, Vec<(usize, String)>) {
    let mut found = Vec::new();
    let mut nameless = Vec::new();
    let mut in_list = false;
    for (i, line) in value.split('\n').enumerate() {
        let (item, after_pipe) = match line.rsplit_once('|') {
            Some((_, item)) => (item.trim(), true),
            None => (line.trim(), false),
        };
        in_list |= after_pipe;
        if let Some(scope) = Scope::parse(item) {
            found.push(scope);
        } else if is_scope_id(item) {
            found.push(Scope { id: item.to_owned(), name: String::new() });
        } else if item.is_empty() || item == "无" {
        } else if item.starts_with(['*', '-', '>', '!']) || item.contains(['：', ':', '。']) {
            in_list = false;
        } else if in_list {
            nameless.push((i, item.to_owned()));
        }
    }
    (found, nameless)
}

/// A bare scope identifier: `app_engine:approval:write`.
fn is_scope_id(text: &str) -> bool {
    text.contains(':')
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(&b))
        && text.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

/// Reads and parses every `.md` page under `dir`, recursively, sorted by path. Each
/// page's [`ApiPage::path`] is relative to `dir`, with `/` separators. Files go through
/// the bounded reader ([`crate::read::read_page`]: at most [`MAX_PAGE_BYTES`] each); symbolic links
/// to folders are not followed.
///
/// Memory is bounded: at most [`MAX_FOLDER_PAGES`](crate::read::MAX_FOLDER_PAGES)
/// pages ([`PageError::TooManyPages`] beyond, found while listing, before anything is
/// read) and [`MAX_FOLDER_BYTES`](crate::read::MAX_FOLDER_BYTES) over all pages
/// ([`PageError::FolderTooLarge`]). A folder without any page is
/// [`PageError::NoPages`].
pub fn read_api_pages(dir: &Path) -> Result<Vec<ApiPage>, PageError> {
    read_api_pages_limited(dir, FolderLimits::default())
}

/// [`read_api_pages`] with other limits on the folder's total size and page count.
///
/// ```
/// use lark_errors_page::{PageError, api::read_api_pages_limited, read::FolderLimits};
/// let dir = std::env::temp_dir().join(format!("lark-errors-page-doctest-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a.md"), "# 一页\n").unwrap();
/// std::fs::write(dir.join("b.md"), "# 二页\n").unwrap();
/// let roomy = FolderLimits { bytes: 1024, pages: 2 };
/// assert_eq!(read_api_pages_limited(&dir, roomy).unwrap()[0].title.as_deref(), Some("一页"));
/// let small = FolderLimits { bytes: 4, pages: 2 };
/// assert!(matches!(read_api_pages_limited(&dir, small), Err(PageError::FolderTooLarge { limit: 4, .. })));
/// let few = FolderLimits { bytes: 1024, pages: 1 };
/// assert!(matches!(read_api_pages_limited(&dir, few), Err(PageError::TooManyPages { limit: 1, .. })));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_api_pages_limited(dir: &Path, limits: FolderLimits) -> Result<Vec<ApiPage>, PageError> {
    let mut files = Vec::new();
    collect(dir, dir, String::new(), 0, limits.pages, &mut files)?;
    if files.is_empty() {
        return Err(PageError::NoPages { path: dir.to_owned() });
    }
    files.sort();
    let mut left = limits.bytes;
    files
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let text = read_page_limited(&path, left.min(MAX_PAGE_BYTES)).map_err(|e| match e {
                PageError::TooLarge { .. } if left < MAX_PAGE_BYTES => {
                    PageError::FolderTooLarge { path: dir.to_owned(), limit: limits.bytes }
                }
                e => e,
            })?;
            left -= text.len() as u64;
            Ok(parse_api_page(&rel, &text))
        })
        .collect()
}

/// Lists the `.md` files under `dir` (relative to it) into `out`, failing as soon as
/// there are more than `max` (the error names `root`).
fn collect(
    root: &Path,
    dir: &Path,
    prefix: String,
    depth: usize,
    max: usize,
    out: &mut Vec<String>,
) -> Result<(), PageError> {
    if depth > MAX_DEPTH {
        return Err(PageError::TooDeep { path: dir.to_owned() });
    }
    let io = |error| PageError::Io { path: dir.to_owned(), error };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            collect(root, &entry.path(), rel, depth + 1, max, out)?;
        } else if name.ends_with(".md") && entry.path().is_file() {
            if out.len() == max {
                return Err(PageError::TooManyPages { path: root.to_owned(), limit: max });
            }
            out.push(rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(page: &str) -> Vec<ErrorRow> {
        let p = parse_api_page("t.md", page);
        assert!(p.problems.is_empty(), "{:?}", p.problem_lines());
        p.errors
    }

    fn cells(r: &ErrorRow) -> (Option<u16>, u32, &str, &str) {
        (r.http_status, r.code, r.message.as_str(), r.advice.as_str())
    }

    #[test]
    fn four_columns_bare() {
        // im-v1/message-reaction/create.md
        let r = rows(
            "### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n\
             400 | 231003 | The message is not found, maybe not exist or deleted. | 找不到目标消息，可能因为传入的消息 ID 有误或者消息已经被撤回。\n",
        );
        assert_eq!(
            cells(&r[0]),
            (
                Some(400),
                231003,
                "The message is not found, maybe not exist or deleted.",
                "找不到目标消息，可能因为传入的消息 ID 有误或者消息已经被撤回。"
            )
        );
        assert_eq!((r[0].line, r[0].parent, r[0].description.as_ref()), (5, None, None));
    }

    #[test]
    fn four_columns_bordered_with_aligned_separator_and_spaced_header() {
        // docs/wiki-v2/search_wiki.md
        let r = rows(
            "|HTTP 状态码|错误码|描述|排查建议|\n|:-----|:-----|:-----|:-----|\n\
             |200|10001|invalid param|参数错误，参考文档检查输入参数|\n",
        );
        assert_eq!(
            cells(&r[0]),
            (Some(200), 10001, "invalid param", "参数错误，参考文档检查输入参数")
        );
    }

    #[test]
    fn misaligned_separator_and_tight_pipes() {
        // im-v1/batch_message/send-messages-in-batches.md
        let r = rows(
            "HTTP状态码| 错误码| 描述| 排查建议\n- |-| - | -\n\
             200| 10002| Create or send message fail.| 创建或发送消息失败。\n",
        );
        assert_eq!(
            cells(&r[0]),
            (Some(200), 10002, "Create or send message fail.", "创建或发送消息失败。")
        );
    }

    #[test]
    fn three_columns_with_each_message_header() {
        for header in [
            "错误码 | 说明 | 排查建议",
            "错误码 | 描述 | 排查建议",
            "错误码 | 错误信息 | 排查建议",
            "错误码 | 描述 | 解决方案",
            "错误码 | 频控策略 | 建议",
        ] {
            let r = rows(&format!(
                "{header}\n--- | --- | ---\n91401 | PARAMERR | 参数出现错误，检查参数有效性\n"
            ));
            assert_eq!(
                cells(&r[0]),
                (None, 91401, "PARAMERR", "参数出现错误，检查参数有效性"),
                "{header}"
            );
        }
    }

    #[test]
    fn bold_header_and_row_bordered_only_on_the_left() {
        // docs/bitable-v1/app/update.md, a "补充错误码" section
        let r = rows(
            "## 补充错误码\n\n**错误码** | **原因**  | **排查建议**          |\n| ------- | ------- | ----------------- |\n\
             | 1254061 | 字段格式错误。 | 确认对应字段类型参数格式是否正确。\n",
        );
        assert_eq!(
            cells(&r[0]),
            (None, 1254061, "字段格式错误。", "确认对应字段类型参数格式是否正确。")
        );
    }

    #[test]
    fn extra_columns_give_the_wire_message_and_a_description() {
        // hire-v1/error_code.md
        let r = rows(
            "|code|message|说明|排查建议|\n|--|--|--|--|\n| 1002101          | Update Talent ID Conflict|重复人才|检查调用逻辑|\n",
        );
        assert_eq!(cells(&r[0]), (None, 1002101, "Update Talent ID Conflict", "检查调用逻辑"));
        assert_eq!(r[0].description.as_deref(), Some("重复人才"));
        // corehr-v1/job_change/job_change_error_msg.md: 校验 is an extra column.
        let r = rows(
            "| 错误码         | 校验           | 错误信息        | 错误信息（英文）         |\n| --------- | --------------- | -------   | ----------- |\n\
             |1004 | 流程未启用 | 该流程已停用，无法发起异动 | Unable to initiate job status change as the process has been deactivated |\n",
        );
        assert_eq!(
            r[0].message,
            "Unable to initiate job status change as the process has been deactivated"
        );
        assert_eq!(r[0].description.as_deref(), Some("该流程已停用，无法发起异动"));
        assert_eq!(r[0].extra, ["流程未启用"]);
        assert_eq!(r[0].advice, "");
        // corehr-v1/workforce_plan/the-full-set-of-error-codes.md: tabs, no borders on rows.
        let r = rows(
            "| 错误码        | 描述           | msg        |\n| --------- | --------------- | -------   |\n\
             800022901|  维度重复\t                |            dimension duplicated\n",
        );
        assert_eq!(cells(&r[0]), (None, 800022901, "dimension duplicated", ""));
        assert_eq!(r[0].description.as_deref(), Some("维度重复"));
    }

    #[test]
    fn codes_in_backticks_and_a_header_without_separator() {
        let r = rows(
            "错误码 | 描述 | 排查建议\n--- | --- | ---\n`1254000` | WrongRequestJson | 请求体错误\n",
        );
        assert_eq!(r[0].code, 1254000);
        // hire-v1/get-candidates/agency/batch_query.md: the header continues the heading.
        let r = rows(
            "### 错误码  \n            HTTP状态码 | 错误码 | 描述 | 排查建议\n\
             500 | 1002001 | 系统异常 | 请联系技术支持\n400 | 1002002 | 参数错误 | 检查参数是否正确，例如类型，大小\n",
        );
        assert_eq!(r.iter().map(|r| r.code).collect::<Vec<_>>(), [1002001, 1002002]);
    }

    #[test]
    fn continuation_lines_and_a_message_over_two_lines() {
        // feishu-cards/card-callback-communication.md: the message cell breaks, the
        // advice has a blank line, the next row follows.
        let r = rows(
            "错误码 | 描述 | 解决方案\n--- | --- | ---\n\
             200340 | 应用未配置飞书卡片回调地址或配置的请求地址无效。  \n若应用已配置，请确保你已创建并发布了最新的应用版本使修改生效。 | 1. 前往[开发者后台](https://open.feishu.cn/app)  \n 2. 填写正确有效的请求地址并保存。  \n\n\
             **提示**：你也可以选择使用长连接接收回调。\n200341 | 所请求的卡片回调服务未在规定时间内响应。 | 请确保 3 秒内响应\n\n更多错误码信息，参见通用错误码。\n",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0].message,
            "应用未配置飞书卡片回调地址或配置的请求地址无效。\n若应用已配置，请确保你已创建并发布了最新的应用版本使修改生效。"
        );
        assert_eq!(
            r[0].advice,
            "1. 前往[开发者后台](https://open.feishu.cn/app)\n 2. 填写正确有效的请求地址并保存。\n\n**提示**：你也可以选择使用长连接接收回调。"
        );
        assert_eq!(r[1].advice, "请确保 3 秒内响应");
        // A link whose text breaks over a line (im-v1/message-reaction/create.md).
        let r = rows(
            "HTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n\
             400 | 231017 | This operation is not supported. | 详情参见[消息类型校验  \n](https://open.feishu.cn/x)。\n",
        );
        assert_eq!(r[0].advice, "详情参见[消息类型校验\n](https://open.feishu.cn/x)。");
    }

    #[test]
    fn sub_code_tables_carry_their_parent() {
        let r = rows(
            "### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n\
             400 | 230099 | Failed to create card content. | 见子错误码\n\n### 230099 子错误码\n\n\
             错误码 | 描述 | 排查建议\n--- | --- | ---\n100290 | Failed to create card content, ext=ErrCode: 100290 | 卡片中存在无效的人员 id\n\
             1.  打开 [API 调试台](https://open.feishu.cn/api-explorer/x)\n\n### 其他\n",
        );
        assert_eq!(
            r.iter().map(|r| (r.code, r.parent)).collect::<Vec<_>>(),
            [(230099, None), (100290, Some(230099))]
        );
        assert_eq!(
            r[1].advice,
            "卡片中存在无效的人员 id\n1.  打开 [API 调试台](https://open.feishu.cn/api-explorer/x)"
        );
    }

    #[test]
    fn malformed_rows_are_reported_with_their_lines() {
        let page = "# t\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n\
            4x0 | 1 | m | a\nabc | def | m | a\n400 | 99999999999 | m | a\n400 | 2 |  | a\n400 | 3\n\n\
            ## 其他\n400 | 4 | outside | a\n";
        let p = parse_api_page("t.md", page);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let got: Vec<(usize, PageProblemKind)> =
            p.problems.into_iter().map(|p| (p.line, p.kind)).collect();
        assert_eq!(
            got,
            [
                (4, PageProblemKind::BadStatus { text: "4x0".into() }),
                (5, PageProblemKind::BadCode { text: "def".into() }),
                (6, PageProblemKind::CodeOutOfRange { text: "99999999999".into() }),
                (7, PageProblemKind::EmptyMessage),
                (8, PageProblemKind::TooFewCells { found: 2, expected: 3 }),
                (11, PageProblemKind::RowOutsideTable),
            ]
        );
    }

    #[test]
    fn request_table_with_scopes_over_continuation_lines() {
        // im-v1/message/create.md
        let page = "名称 | 值\n---|---\nHTTP URL | https://open.feishu.cn/open-apis/im/v1/messages\n\
            HTTP Method | POST\n接口频率限制 | [1000 次/分钟、50 次/秒](https://open.feishu.cn/document/ukTMukTMukTM/uUzN04SN3QjL1cDN)\n\
            支持的应用类型 | 自建应用、商店应用\n权限要求  \n            **调用该 API 所需的权限。开启其中任意一项权限即可调用**  \n\
            开启任一权限即可 | 获取与发送单聊、群组消息(im:message)  \n            以应用的身份发消息(im:message:send_as_bot)\n\
            字段权限要求 | **注意事项**：该接口返回体中存在下列敏感字段  \n        获取用户 user ID(contact:user.employee_id:readonly)\n<!-- omitted: lines 38-269 -->\n";
        let p = parse_api_page("t.md", page);
        assert!(p.problems.is_empty());
        let r = p.request.unwrap();
        assert_eq!(r.line, 1);
        assert_eq!(r.url.as_deref(), Some("https://open.feishu.cn/open-apis/im/v1/messages"));
        assert_eq!(r.rate_limit, Some(RateLimitSpec::windows(Some(50), Some(1000))));
        assert_eq!(
            r.rate_limit_url.as_deref(),
            Some("https://open.feishu.cn/document/ukTMukTMukTM/uUzN04SN3QjL1cDN")
        );
        assert_eq!(r.app_types, ["自建应用", "商店应用"]);
        let ids: Vec<&str> = r.scopes.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["im:message", "im:message:send_as_bot"]);
        assert_eq!(r.scopes[0].name, "获取与发送单聊、群组消息");
        assert_eq!(
            r.field_scopes,
            [Scope {
                id: "contact:user.employee_id:readonly".into(),
                name: "获取用户 user ID".into()
            }]
        );
    }

    #[test]
    fn rate_limit_forms() {
        use RateLimitSpec as R;
        let cases = [
            ("[1000 次/分钟、50 次/秒](https://x)", Some(R::windows(Some(50), Some(1000)))),
            ("[100 次/分钟](https://x)", Some(R::windows(None, Some(100)))),
            ("[5 次/秒](https://x)", Some(R::windows(Some(5), None))),
            ("1000 次/分钟、50 次/秒", Some(R::windows(Some(50), Some(1000)))),
            ("[特殊频控](https://x)", Some(R::Special)),
            (
                "10 次/小时",
                Some(R::Windows {
                    per_second: None,
                    per_minute: None,
                    per_hour: Some(10),
                    per_day: None,
                }),
            ),
            ("5 次/秒、6 次/秒", None),
            ("[](https://x)", None),
            ("次/秒", None),
        ];
        for (text, want) in cases {
            assert_eq!(RateLimitSpec::parse(text), want, "{text}");
        }
        let p = parse_api_page("t.md", "名称 | 值\n---|---\n接口频率限制 | 很快\n");
        assert_eq!(p.problems[0].kind, PageProblemKind::BadRateLimit { text: "很快".into() });
    }

    #[test]
    fn scopes_parse_name_and_id() {
        assert_eq!(
            Scope::parse("更新外部 Offer(hire:external_offer)").unwrap().id,
            "hire:external_offer"
        );
        assert_eq!(Scope::parse("offline_access(offline_access)").unwrap().name, "offline_access");
        assert_eq!(
            Scope::parse("**获取群组中所有消息**（im:message.group_msg）").unwrap().name,
            "获取群组中所有消息"
        );
        assert!(Scope::parse("(im:message)").is_none());
        assert!(Scope::parse("说明(见下文 说明)").is_none());
        assert!(Scope::parse("没有括号").is_none());
        // A bare id (apaas-v1/flow/user-task/cc.md), none at all, a name without its id
        // (historic-version/user/obtain-a-role-list.md), a note ending the list.
        let page = "名称 | 值\n---|---\n权限要求  \n            **调用该 API 所需的权限。开启其中任意一项权限即可调用** | app_engine:approval:write\n\n\
            名称 | 值\n---|---\n";
        let r = parse_api_page("t.md", page).request.unwrap();
        assert_eq!(
            r.scopes,
            [Scope { id: "app_engine:approval:write".into(), name: String::new() }]
        );
        let page = "名称 | 值\n---|---\n权限要求  \n            **调用该 API 所需的权限** | 无\n";
        let p = parse_api_page("t.md", page);
        assert!(p.request.unwrap().scopes.is_empty() && p.problems.is_empty());
        let page = "名称 | 值\n---|---\n权限要求  \n            **调用该 API 所需的权限** | 获取角色   \n          读取通讯录(contact:contact:readonly)\n\
            **注意事项**：上方为历史权限\n新权限只支持使用user_access_token\n";
        let p = parse_api_page("t.md", page);
        assert_eq!(p.problem_lines(), ["t.md:4: scope `获取角色` has no `(id)`"]);
        assert_eq!(p.request.unwrap().scopes[0].id, "contact:contact:readonly");
    }

    #[test]
    fn metadata_a_byte_order_mark_and_a_cut_link() {
        let page = "\u{FEFF}---\ntitle: \"发送消息\"\nsource_url: https://open.feishu.cn/x\nlast_remote_update: 2025-08-12\n---\n\
            # 发送消息\n错误码 | 描述 | 排查建议\n--- | --- | ---\n1 | m | 见[文档](https://open.feishu.cn/doc";
        let p = parse_api_page("t.md", page);
        assert_eq!(p.title.as_deref(), Some("发送消息"));
        assert_eq!(p.source_url.as_deref(), Some("https://open.feishu.cn/x"));
        assert_eq!(p.updated, Date::parse("2025-08-12"));
        assert_eq!(p.errors.len(), 1);
        assert_eq!(
            p.problem_lines(),
            ["t.md:9: a link is never closed (the page is cut in the middle of a link)"]
        );
        // Cut in the prose after the error table: reported too.
        let page = "# 发送消息\n错误码 | 描述 | 排查建议\n--- | --- | ---\n1 | m | 见[文档](https://open.feishu.cn/doc)\n\n其他错误码请参见[服务端通用错误码](https://op";
        let p = parse_api_page("t.md", page);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(
            p.problem_lines(),
            ["t.md:6: a link is never closed (the page is cut in the middle of a link)"]
        );
        // Without front matter: the `# ` heading is the title, `最后更新于` the date.
        let p = parse_api_page("t.md", "最后更新于 2024-11-27\n\n# 添加消息表情回复\n");
        assert_eq!(
            (p.title.as_deref(), p.updated),
            (Some("添加消息表情回复"), Date::parse("2024-11-27"))
        );
        assert!(p.request.is_none() && p.errors.is_empty() && p.problems.is_empty());
        let p = parse_api_page("t.md", "---\ntitle: x\n");
        assert_eq!(p.problems[0].kind, PageProblemKind::UnclosedFrontMatter);
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        fn cell() -> impl Strategy<Value = String> {
            // No pipes, no line breaks, not blank, not starting a heading or a comment.
            "[a-zA-Z\u{4e00}-\u{4e20}][a-zA-Z0-9 ,.\u{4e00}-\u{4e20}（）\\[\\]`*-]{0,60}"
                .prop_map(|s| s.trim_end().to_owned())
        }

        proptest! {
            #[test]
            fn never_panics_on_large_markdownish_pages(
                parts in prop::collection::vec(prop_oneof![
                    Just("|".to_owned()), Just(" | ".to_owned()), Just("\n".to_owned()),
                    Just("HTTP状态码 | 错误码 | 描述 | 排查建议\n".to_owned()),
                    Just("--- | --- | --- | ---\n".to_owned()), Just("### 230099 子错误码\n".to_owned()),
                    Just("名称 | 值\n---|---\n".to_owned()), Just("接口频率限制 | [".to_owned()),
                    Just("权限要求  \n".to_owned()), Just("](https://x".to_owned()), Just("\u{FEFF}".to_owned()),
                    Just("---\n".to_owned()), "[0-9]{1,12}", "\\PC{0,40}",
                ], 200..400),
            ) {
                let text: String = parts.concat();
                prop_assume!(text.len() > 2048);
                let page = parse_api_page("p.md", &text);
                prop_assert!(page.problems.windows(2).all(|w| w[0].line <= w[1].line));
                let lines = text.split('\n').count();
                prop_assert!(page.errors.iter().all(|r| r.line >= 1 && r.line <= lines));
                prop_assert!(page.problems.iter().all(|p| p.line >= 1 && p.line <= lines.max(1)));
            }

            #[test]
            fn never_panics_on_large_arbitrary_text(text in "\\PC{2048,6000}") {
                let page = parse_api_page("p.md", &text);
                prop_assert!(page.problems.windows(2).all(|w| w[0].line <= w[1].line));
                let _ = RateLimitSpec::parse(&text);
                let _ = Scope::parse(&text);
            }

            #[test]
            fn a_generated_table_of_n_rows_parses_to_n_rows_with_the_same_cells(
                rows in prop::collection::vec((100u16..600, any::<u32>(), cell(), cell(), 0usize..3), 20..80),
                bordered in any::<bool>(),
            ) {
                let mut text = String::from("### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n");
                for (status, code, message, advice, continuation) in &rows {
                    let line = format!("{status} | {code} | {message} | {advice}");
                    if bordered { text.push_str(&format!("| {line} |\n")) } else { text.push_str(&line); text.push('\n') }
                    for i in 0..*continuation {
                        text.push_str(&format!("- 第{i}条\n"));
                    }
                }
                prop_assume!(text.len() > 2048);
                let page = parse_api_page("p.md", &text);
                prop_assert!(page.problems.is_empty(), "{:?}", page.problem_lines());
                prop_assert_eq!(page.errors.len(), rows.len());
                for (got, (status, code, message, advice, continuation)) in page.errors.iter().zip(&rows) {
                    let mut want = advice.clone();
                    for i in 0..*continuation {
                        want.push_str(&format!("\n- 第{i}条"));
                    }
                    prop_assert_eq!((got.http_status, got.code, &got.message, &got.advice), (Some(*status), *code, message, &want));
                }
            }
        }
    }
}
