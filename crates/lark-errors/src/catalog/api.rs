//! The platform catalog: every API page's error table, keyed by API.
//!
//! An [`Api`] is a method plus a path template with what its page documents: title,
//! doc URL and date, rate limit, app types, scopes and field scopes, and its entries.
//! A per-API entry is an [`Entry`] like the generic ones, with [`Entry::api`],
//! [`Entry::http_status`] and, for rows of a sub-code table, [`Entry::parent_code`].
//!
//! The data is generated into `catalog/api_table.rs` by `cargo xtask codegen` and
//! compiled in with the `apis` feature (default on); without it the functions here
//! answer from the generic table only (no APIs, no per-API entries).
//!
//! ```
//! use lark_errors::catalog::{Layer, Method};
//!
//! let api = lark_errors::route(Method::Post, "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=open_id").unwrap();
//! assert_eq!(api.path(), "/open-apis/im/v1/messages");
//! assert!(api.scopes().iter().any(|s| s.id() == "im:message"));
//!
//! let r = lark_errors::resolve_with(230002, "The bot can not be outside the group.", Some(api)).unwrap();
//! assert_eq!(r.layer, Layer::Api);
//! assert_eq!(r.entry.api(), Some(api));
//! assert_eq!(r.entry.http_status(), Some(400));
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::{Entry, Resolution, Source, lookup};
use crate::semantics::{Action, Category, TokenKind};
use crate::template::MatchQuality;

#[cfg(feature = "apis")]
#[rustfmt::skip]
#[path = "api_table.rs"]
mod data;

/// Without the `apis` feature: no APIs and no per-API entries.
#[cfg(not(feature = "apis"))]
mod data {
    use super::{Api, Entry, RouteNode, Source};
    pub(super) static PAGES: [Source; 0] = [];
    pub(super) static APIS: [Api; 0] = [];
    pub(super) static CODES: [u32; 0] = [];
    pub(super) static ENTRIES: [Entry; 0] = [];
    pub(super) static API_ENTRIES: [&Entry; 0] = [];
    pub(super) static ROUTES: [RouteNode; 0] = [];
}

/// An HTTP method of a documented API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method as written on the wire: `GET`, `POST`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A method name that is not one of [`Method`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMethod;

impl fmt::Display for UnknownMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown HTTP method (expected GET, POST, PUT, PATCH or DELETE)")
    }
}

impl std::error::Error for UnknownMethod {}

impl FromStr for Method {
    type Err = UnknownMethod;

    /// Parses a method name, ASCII case-insensitively.
    fn from_str(s: &str) -> Result<Method, UnknownMethod> {
        [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or(UnknownMethod)
    }
}

/// An API's documented rate-limit tier (接口频率限制). Every window given applies: a
/// tier of 1000/min and 50/s allows neither more than 1000 calls a minute nor more than
/// 50 in any second. Limits count per API, per app and per tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimit {
    /// Standard windows (at least one of them is given).
    Windows {
        /// Requests per second.
        per_second: Option<u32>,
        /// Requests per minute.
        per_minute: Option<u32>,
        /// Requests per hour.
        per_hour: Option<u32>,
        /// Requests per day.
        per_day: Option<u32>,
    },
    /// 特殊频控: not a standard tier; the API's page or the platform sets it.
    Special,
}

impl fmt::Display for RateLimit {
    /// `1000/min, 50/s`, `100/min`, `special`: the longest window first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RateLimit::Special => f.write_str("special"),
            RateLimit::Windows { per_second, per_minute, per_hour, per_day } => {
                let mut sep = "";
                for (n, unit) in
                    [(per_day, "day"), (per_hour, "h"), (per_minute, "min"), (per_second, "s")]
                {
                    if let Some(n) = n {
                        write!(f, "{sep}{n}/{unit}")?;
                        sep = ", ";
                    }
                }
                Ok(())
            }
        }
    }
}

impl RateLimit {
    /// The tier's windows, shortest first: every one applies at once. A `Special` tier
    /// has none (its limit is not documented as windows).
    ///
    /// ```
    /// use lark_errors::catalog::{Method, route};
    /// use std::time::Duration;
    ///
    /// let api = route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    /// let tier = api.rate_limit().unwrap();
    /// let windows: Vec<_> = tier.windows().map(|w| (w.limit(), w.period())).collect();
    /// assert_eq!(windows, [(50, Duration::from_secs(1)), (1000, Duration::from_secs(60))]);
    /// ```
    pub fn windows(&self) -> impl Iterator<Item = Window> + use<> {
        let limits = match *self {
            RateLimit::Special => [None; 4],
            RateLimit::Windows { per_second, per_minute, per_hour, per_day } => {
                [per_second, per_minute, per_hour, per_day]
            }
        };
        limits.into_iter().zip([1, 60, 3_600, 86_400]).filter_map(|(limit, secs)| {
            limit.map(|limit| Window { limit, period: Duration::from_secs(secs) })
        })
    }
}

impl RateLimit {
    /// A tier of standard windows, every one given applying at once (as a page's
    /// 接口频率限制 does); `None` when no window is given. For a tier the pages do not
    /// document, such as a mock server's per-API override.
    ///
    /// ```
    /// use lark_errors::catalog::RateLimit;
    /// let tier = RateLimit::from_windows(Some(5), Some(100), None, None).unwrap();
    /// assert_eq!(tier.to_string(), "100/min, 5/s");
    /// assert_eq!(tier.windows().map(|w| w.limit()).collect::<Vec<_>>(), [5, 100]);
    /// assert_eq!(RateLimit::from_windows(None, None, None, None), None);
    /// ```
    pub const fn from_windows(
        per_second: Option<u32>,
        per_minute: Option<u32>,
        per_hour: Option<u32>,
        per_day: Option<u32>,
    ) -> Option<RateLimit> {
        if per_second.is_none() && per_minute.is_none() && per_hour.is_none() && per_day.is_none() {
            return None;
        }
        Some(RateLimit::Windows { per_second, per_minute, per_hour, per_day })
    }
}

/// One window of a [`RateLimit`]: at most [`limit`](Window::limit) requests in any
/// [`period`](Window::period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    limit: u32,
    period: Duration,
}

impl Window {
    /// The most requests the window allows.
    pub const fn limit(&self) -> u32 {
        self.limit
    }

    /// The window's length: a second, a minute, an hour or a day.
    pub const fn period(&self) -> Duration {
        self.period
    }
}

/// A kind of app that may call an API (支持的应用类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum AppType {
    /// 自建应用: an app built by the tenant for itself.
    Custom,
    /// 商店应用: an app from the app store, installed by tenants.
    Store,
}

impl AppType {
    /// The snake_case name: `custom` or `store`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AppType::Custom => "custom",
            AppType::Store => "store",
        }
    }

    /// The word the pages use: 自建应用 or 商店应用.
    pub const fn as_zh(self) -> &'static str {
        match self {
            AppType::Custom => "自建应用",
            AppType::Store => "商店应用",
        }
    }
}

/// A permission scope an API requires or a field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scope {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
}

impl Scope {
    /// The scope id, e.g. `im:message`.
    pub const fn id(&self) -> &'static str {
        self.id
    }

    /// The scope's name in the console, e.g. 获取与发送单聊、群组消息.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// A documented API: a method and path template, with what its page says.
#[derive(Debug, PartialEq, Eq)]
pub struct Api {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) url: &'static str,
    pub(crate) source: &'static Source,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) app_types: &'static [AppType],
    pub(crate) scopes: &'static [Scope],
    pub(crate) field_scopes: &'static [Scope],
    pub(crate) entries: (u32, u32),
}

impl Api {
    /// The HTTP method.
    pub const fn method(&self) -> Method {
        self.method
    }

    /// The path template, parameters written `:name`, e.g.
    /// `/open-apis/im/v1/messages/:message_id`.
    pub const fn path(&self) -> &'static str {
        self.path
    }

    /// The URL as its page writes it (host included, query template removed).
    pub const fn url(&self) -> &'static str {
        self.url
    }

    /// The page's title, e.g. 发送消息.
    pub const fn title(&self) -> &'static str {
        self.source.title
    }

    /// Where the API's page is published.
    pub const fn doc_url(&self) -> &'static str {
        self.source.url
    }

    /// The page's date, `YYYY-MM-DD`.
    pub const fn updated(&self) -> &'static str {
        self.source.updated
    }

    /// The vendored page the API comes from (when several pages document the same
    /// method and path, the newest).
    pub const fn source(&self) -> &'static Source {
        self.source
    }

    /// The documented rate-limit tier; `None` where the page gives none.
    pub const fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// The kinds of app that may call the API.
    pub const fn app_types(&self) -> &'static [AppType] {
        self.app_types
    }

    /// The scopes of which any one suffices to call the API (权限要求).
    pub const fn scopes(&self) -> &'static [Scope] {
        self.scopes
    }

    /// The scopes that unlock sensitive fields of the response (字段权限要求).
    pub const fn field_scopes(&self) -> &'static [Scope] {
        self.field_scopes
    }

    /// The product area: the first path segment after `/open-apis/` (`im` for
    /// `/open-apis/im/v1/messages`, `bitable`, `drive`, ...); for the few older paths
    /// outside `/open-apis/` (`/approval/openapi/v2/...`), their first segment, which
    /// names the same area.
    ///
    /// ```
    /// use lark_errors::catalog::{Method, route};
    ///
    /// let api = route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    /// assert_eq!(api.area(), "im");
    /// assert!(lark_errors::apis().iter().any(|a| a.area() == "bitable"));
    /// ```
    pub fn area(&self) -> &'static str {
        let path = self.path;
        let rest = path.strip_prefix(crate::platform::host::API_PREFIX).unwrap_or(path);
        let rest = rest.trim_start_matches('/');
        rest.split('/').next().unwrap_or(rest)
    }

    /// The API's entries, sorted by code (sub-code rows included, see
    /// [`Entry::parent_code`]).
    pub fn entries(&self) -> &'static [&'static Entry] {
        let (start, len) = (self.entries.0 as usize, self.entries.1 as usize);
        data::API_ENTRIES.get(start..start + len).unwrap_or(&[])
    }

    /// The API's entries for `code`, in page order (a page may list a code twice).
    pub fn lookup(&self, code: u32) -> &'static [&'static Entry] {
        let entries = self.entries();
        let start = entries.partition_point(|e| e.code < code);
        let len = entries[start..].iter().take_while(|e| e.code == code).count();
        &entries[start..start + len]
    }
}

impl fmt::Display for Api {
    /// `POST /open-apis/im/v1/messages`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Which layer of the catalog a [`Resolution`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Layer {
    /// The API's own page documents the code.
    Api,
    /// The generic error-code page.
    Generic,
    /// The code's meanings across API pages (no API given, or the API's page does not
    /// document it and the generic page does not either): the live message picked one.
    AcrossApis,
}

impl Layer {
    /// The snake_case name: `api`, `generic` or `across_apis`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Layer::Api => "api",
            Layer::Generic => "generic",
            Layer::AcrossApis => "across_apis",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One meaning of a code across API pages: its entries with the same message (by
/// message key) and the same category, action and token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meaning {
    entries: &'static [Entry],
}

impl Meaning {
    /// The entries of this meaning, sorted by page then line; never empty.
    pub const fn entries(&self) -> &'static [Entry] {
        self.entries
    }

    /// The first entry, whose message, advice and semantics stand for the group.
    pub fn entry(&self) -> &'static Entry {
        &self.entries[0]
    }

    /// The APIs documenting this meaning, in page order (entries of pages without an
    /// API are skipped).
    pub fn apis(&self) -> impl Iterator<Item = &'static Api> + 'static {
        self.entries.iter().filter_map(Entry::api)
    }

    /// What went wrong.
    pub fn category(&self) -> Category {
        self.entry().category
    }

    /// What to do next.
    pub fn action(&self) -> Action {
        self.entry().action
    }

    /// The token the meaning is about, if any.
    pub fn token(&self) -> Option<TokenKind> {
        self.entry().token
    }
}

impl Entry {
    /// The `msg` the platform sends for this row of a sub-code table
    /// (`### 230099 子错误码`) under `parent`, the entry of [`Entry::parent_code`]:
    ///
    /// - a row whose message carries its own code (`Failed to create card content,
    ///   ext=ErrCode: 11310; ErrMsg: %v; code:230099`, most rows: the pages give the
    ///   whole `msg`) is that message, placeholders filled from `values`;
    /// - a row that gives only the sub-error's text (`200914 | table rows is invalid`)
    ///   is carried by the parent's message as the other rows show it:
    ///   `<parent message, final period dropped>, ext=ErrCode: <code>; ErrMsg: <text>`.
    ///
    /// Either way [`resolve_with`] finds the row again from the rendered `msg`
    /// ([`Resolution::sub`](crate::catalog::Resolution::sub)). An entry that is not a
    /// sub-code row renders its own message.
    ///
    /// ```
    /// use lark_errors::catalog::Method;
    /// let api = lark_errors::route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    /// let parent = api.lookup(230099)[0];
    /// let row = |code| *api.lookup(code).iter().find(|e| e.parent_code() == Some(230099)).unwrap();
    /// assert_eq!(
    ///     row(200914).render_sub_message(parent, &[]),
    ///     "Failed to create card content, ext=ErrCode: 200914; ErrMsg: table rows is invalid"
    /// );
    /// assert_eq!(
    ///     row(11310).render_sub_message(parent, &["card table number over limit"]),
    ///     "Failed to create card content, ext=ErrCode: 11310; ErrMsg: card table number over limit; code:230099"
    /// );
    /// ```
    pub fn render_sub_message(&self, parent: &Entry, values: &[&str]) -> String {
        let own = self.render_message(values);
        if self.parent.is_none() || carried_code(&own) == Some(self.code) {
            return own;
        }
        let head = parent.render_message(&[]);
        let head = head.trim_end().trim_end_matches(['.', '。']);
        format!("{head}, ext=ErrCode: {}; ErrMsg: {own}", self.code)
    }

    /// For a per-API entry: its meaning across API pages (the entries, and so the APIs,
    /// that document its code with the same message and semantics). `None` for generic
    /// entries and sub-code rows.
    ///
    /// ```
    /// let r = lark_errors::resolve_with(230002, "The bot can not be outside the group.", None).unwrap();
    /// let meaning = r.entry.meaning().unwrap();
    /// assert!(meaning.apis().count() > 1);
    /// assert!(meaning.entries().iter().all(|e| e.message() == r.entry.message() || e.code() == 230002));
    /// ```
    pub fn meaning(&'static self) -> Option<Meaning> {
        if self.parent.is_some() || self.is_generic() {
            return None;
        }
        groups(top_level(self.code)).find(|m| m.entries.iter().any(|e| std::ptr::eq(e, self)))
    }
}

/// Every API, sorted by path template then method.
///
/// ```
/// assert!(lark_errors::apis().len() > 1000);
/// ```
pub fn apis() -> &'static [Api] {
    &data::APIS
}

/// Every product area ([`Api::area`]) of the documented APIs, sorted, each once.
///
/// ```
/// let areas = lark_errors::catalog::areas();
/// assert!(areas.contains(&"im") && areas.contains(&"drive"));
/// assert!(areas.windows(2).all(|w| w[0] < w[1]));
/// ```
pub fn areas() -> Vec<&'static str> {
    let mut areas: Vec<&'static str> = apis().iter().map(Api::area).collect();
    areas.sort_unstable();
    areas.dedup();
    areas
}

/// The vendored API pages that contribute an API or entries, sorted by file.
pub fn api_pages() -> &'static [Source] {
    &data::PAGES
}

/// Every per-API entry (every error row of every API page), sorted by code, then
/// top-level rows before sub-code rows, then meaning, then page and line.
pub fn api_entries() -> &'static [Entry] {
    &data::ENTRIES
}

/// Every per-API entry for `code` (sub-code rows included); empty when no API page
/// documents it.
///
/// ```
/// let entries = lark_errors::catalog::lookup_apis(230001);
/// assert!(entries.len() > 10);
/// assert!(entries.iter().all(|e| e.code() == 230001 && e.source().file.contains("feishu-api-pages")));
/// ```
pub fn lookup_apis(code: u32) -> &'static [Entry] {
    let codes = &data::CODES;
    let start = codes.partition_point(|&c| c < code);
    let len = codes[start..].iter().take_while(|&&c| c == code).count();
    &data::ENTRIES[start..start + len]
}

/// The top-level per-API entries of `code` (no sub-code rows).
fn top_level(code: u32) -> &'static [Entry] {
    let all = lookup_apis(code);
    let n = all.iter().take_while(|e| e.parent.is_none()).count();
    &all[..n]
}

/// The distinct meanings of `code` across API pages (sub-code rows excluded), most
/// documented first.
///
/// ```
/// let meanings = lark_errors::meanings(230001);
/// assert!(!meanings.is_empty());
/// let apis: usize = meanings.iter().map(|m| m.apis().count()).sum();
/// assert!(apis > 10);
/// ```
pub fn meanings(code: u32) -> Vec<Meaning> {
    let mut out: Vec<Meaning> = groups(top_level(code)).collect();
    out.sort_by_key(|m| std::cmp::Reverse(m.entries.len()));
    out
}

/// The contiguous runs of `entries` with the same meaning (codegen sorts them so).
fn groups(entries: &'static [Entry]) -> impl Iterator<Item = Meaning> {
    let mut rest = entries;
    std::iter::from_fn(move || {
        let first = rest.first()?;
        let len = rest.iter().take_while(|e| e.meaning == first.meaning).count();
        let (group, tail) = rest.split_at(len);
        rest = tail;
        Some(Meaning { entries: group })
    })
}

/// The API of `method` and a concrete `url`: `https://open.feishu.cn/...`,
/// `https://open.larksuite.com/...` (any host), or a bare path; query string and
/// fragment ignored, real IDs in the path. Literal segments beat parameters.
///
/// ```
/// use lark_errors::catalog::Method;
///
/// let api = lark_errors::route(
///     Method::Get,
///     "https://open.larksuite.com/open-apis/im/v1/messages/om_dc13264520392913993dd051dba21dcf",
/// )
/// .unwrap();
/// assert_eq!(api.path(), "/open-apis/im/v1/messages/:message_id");
/// assert!(lark_errors::route(Method::Get, "/open-apis/no/such/api").is_none());
/// ```
pub fn route(method: Method, url: &str) -> Option<&'static Api> {
    let path = path_of(url);
    find(0, path, &mut |apis| apis.iter().copied().find(|a| a.method == method))
}

/// The API of a concrete `url` without a method, where that is unambiguous: the path
/// matches APIs of one method only. See [`route`].
///
/// ```
/// let api = lark_errors::route_path("/open-apis/im/v1/messages/om_1/reactions/r_1").unwrap();
/// assert_eq!(api.to_string(), "DELETE /open-apis/im/v1/messages/:message_id/reactions/:reaction_id");
/// assert!(lark_errors::route_path("/open-apis/im/v1/messages").is_none()); // GET and POST
/// ```
pub fn route_path(url: &str) -> Option<&'static Api> {
    match route_candidates(url) {
        [only] => Some(only),
        _ => None,
    }
}

/// Every API (any method) the path of `url` routes to, most specific path first.
pub fn route_candidates(url: &str) -> &'static [&'static Api] {
    let path = path_of(url);
    find(0, path, &mut |apis| if apis.is_empty() { None } else { Some(apis) }).unwrap_or(&[])
}

/// A node of the routing trie (generated).
#[derive(Debug)]
pub(crate) struct RouteNode {
    /// Literal children `(segment_hash, segment, node)`, sorted by hash then segment.
    pub(crate) literals: &'static [(u64, &'static str, u32)],
    /// The parameter child, if any.
    pub(crate) param: Option<u32>,
    /// The APIs whose template ends here.
    pub(crate) apis: &'static [&'static Api],
}

/// The path of a URL: scheme and host removed, query and fragment cut.
fn path_of(url: &str) -> &str {
    let url = url.trim();
    let url = match memchr::memchr2(b'?', b'#', url.as_bytes()) {
        Some(i) => &url[..i],
        None => url,
    };
    if url.starts_with('/') {
        return url;
    }
    let rest = match memchr::memmem::find(url.as_bytes(), b"://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    // A host without scheme (`open.feishu.cn/open-apis/...`) or after it.
    match memchr::memchr(b'/', rest.as_bytes()) {
        Some(i) => &rest[i..],
        None => "",
    }
}

/// The FNV-1a hash of a path segment: the trie's literal children are sorted by it, so
/// a lookup compares integers and reads one segment's bytes at most (codegen computes
/// the same hash).
fn segment_hash(segment: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in segment.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Depth-first search of the trie from `node` over the segments of `path`: literal
/// child first, then the parameter child; `accept` says whether a leaf's APIs answer.
/// Depth is bounded by the path's segment count, which the trie bounds (a path with
/// more segments than any template falls off the trie).
fn find<T>(
    node: u32,
    path: &str,
    accept: &mut impl FnMut(&'static [&'static Api]) -> Option<T>,
) -> Option<T> {
    let node = data::ROUTES.get(node as usize)?;
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        return accept(node.apis);
    }
    let (segment, rest) = match memchr::memchr(b'/', path.as_bytes()) {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    };
    let hash = segment_hash(segment);
    let start = node.literals.partition_point(|&(h, _, _)| h < hash);
    // Equal hashes are contiguous; a collision costs one more comparison.
    for &(h, literal, child) in &node.literals[start..] {
        if h != hash {
            break;
        }
        if literal == segment {
            if let Some(found) = find(child, rest, accept) {
                return Some(found);
            }
            break;
        }
    }
    find(node.param?, rest, accept)
}

/// Resolves `code` and a live `msg`, knowing the API where it can: the API's own
/// entry wins ([`Layer::Api`]); then the generic page ([`Layer::Generic`]); then the
/// code's meanings across API pages ([`Layer::AcrossApis`]), the live message picking
/// the best (the most documented meaning when none matches). Without an API, the
/// generic entry still wins unless the live message matches none of its entries but
/// matches a meaning across APIs. `None` when no page documents the code.
///
/// When `msg` carries another code (`ext=ErrCode: 11310; ErrMsg: ...`), its entry in
/// the sub-code table of `code` (the API's page first, else any page) is
/// [`Resolution::sub`].
///
/// ```
/// use lark_errors::catalog::{Layer, Method};
///
/// let api = lark_errors::route(Method::Post, "/open-apis/im/v1/messages").unwrap();
/// let msg = "Failed to create card content, ext=ErrCode: 11310; ErrMsg: card table number over limit; code:230099";
/// let r = lark_errors::resolve_with(230099, msg, Some(api)).unwrap();
/// assert_eq!((r.layer, r.entry.code()), (Layer::Api, 230099));
/// let sub = r.sub.unwrap();
/// assert_eq!((sub.code(), sub.parent_code()), (11310, Some(230099)));
///
/// // Without an API, a code only API pages document resolves across them.
/// let r = lark_errors::resolve_with(230002, "The bot can not be outside the group.", None).unwrap();
/// assert_eq!(r.layer, Layer::AcrossApis);
/// ```
pub fn resolve_with<'l>(code: u32, msg: &'l str, api: Option<&Api>) -> Option<Resolution<'l>> {
    let mut r = resolve_layers(code, msg, api)?;
    r.sub = sub_entry(code, msg, api);
    Some(r)
}

fn resolve_layers<'l>(code: u32, msg: &'l str, api: Option<&Api>) -> Option<Resolution<'l>> {
    if let Some(api) = api {
        let own = api.lookup(code);
        let own = &own[..own.iter().take_while(|e| e.parent.is_none()).count()];
        if let Some(r) = best(own.iter().copied(), msg, Layer::Api) {
            return Some(r);
        }
    }
    let generic = best(lookup(code).iter(), msg, Layer::Generic);
    if let Some(g) = &generic {
        if g.quality.is_some() {
            return generic;
        }
    }
    let across = best_meaning(code, msg);
    match (generic, across) {
        (Some(g), Some(a)) if a.quality.is_none() => Some(g),
        (Some(g), None) => Some(g),
        (_, Some(a)) if a.quality.is_some() => Some(a),
        (_, _) => {
            // Nothing matched: the most documented meaning.
            let m = groups(top_level(code)).max_by_key(|m| m.entries.len())?;
            Some(Resolution::unmatched(m.entry(), Layer::AcrossApis))
        }
    }
}

/// The meaning of `code` across API pages that `msg` matches best: best quality, then
/// most literal text, then the most documented meaning (same message, different
/// semantics on different pages), then page order; the first meaning's entry with no
/// quality when none matches.
fn best_meaning(code: u32, msg: &str) -> Option<Resolution<'_>> {
    /// Match quality, literal bytes matched, entries in the meaning.
    type Rank = (MatchQuality, usize, usize);
    let mut first = None;
    let mut best: Option<(&'static Entry, Rank, Vec<&str>)> = None;
    for m in groups(top_level(code)) {
        let e = m.entry();
        first.get_or_insert(e);
        if let Some(t) = e.template().matches(msg) {
            let rank = (t.quality, t.literal_len, m.entries.len());
            if best.as_ref().is_none_or(|b| rank > b.1) {
                best = Some((e, rank, t.values));
            }
        }
    }
    match best {
        Some((entry, (quality, _, _), values)) => Some(Resolution {
            entry,
            quality: Some(quality),
            values,
            layer: Layer::AcrossApis,
            sub: None,
        }),
        None => first.map(|e| Resolution::unmatched(e, Layer::AcrossApis)),
    }
}

/// The best of `candidates` for `msg`: best quality, then most literal text, then
/// order; the first candidate with no quality when none matches.
fn best<'l>(
    candidates: impl Iterator<Item = &'static Entry>,
    msg: &'l str,
    layer: Layer,
) -> Option<Resolution<'l>> {
    let mut first = None;
    let mut best: Option<(&'static Entry, MatchQuality, usize, Vec<&'l str>)> = None;
    for e in candidates {
        first.get_or_insert(e);
        if let Some(m) = e.template().matches(msg) {
            if best.as_ref().is_none_or(|b| (m.quality, m.literal_len) > (b.1, b.2)) {
                best = Some((e, m.quality, m.literal_len, m.values));
            }
        }
    }
    match best {
        Some((entry, quality, _, values)) => {
            Some(Resolution { entry, quality: Some(quality), values, layer, sub: None })
        }
        None => first.map(|e| Resolution::unmatched(e, layer)),
    }
}

/// The code a message carries after `ErrCode:` (`ext=ErrCode: 11310; ...`).
fn carried_code(msg: &str) -> Option<u32> {
    const MARK: &str = "ErrCode:";
    let i = memchr::memmem::find(msg.as_bytes(), MARK.as_bytes())?;
    let digits = msg[i + MARK.len()..].trim_start();
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end.min(10)].parse().ok()
}

/// The entry of the code `msg` carries in the sub-code table of `parent`.
fn sub_entry(parent: u32, msg: &str, api: Option<&Api>) -> Option<&'static Entry> {
    let sub = carried_code(msg)?;
    let rows = lookup_apis(sub);
    let under = |e: &&'static Entry| e.parent == Some(parent);
    let own = api.and_then(|api| {
        rows.iter().filter(under).find(|e| e.api.is_some_and(|a| std::ptr::eq(a, api)))
    });
    own.or_else(|| rows.iter().find(under))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of methods, layers and app types, and the `Display` of APIs, as the
    /// README and the JSON names give them.
    #[test]
    fn names_read_as_the_docs_write_them() {
        for m in [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete] {
            assert_eq!(m.to_string(), m.as_str());
            assert_eq!(m.as_str().parse::<Method>(), Ok(m));
            assert!(UnknownMethod.to_string().contains(m.as_str()), "{m}");
        }
        assert!(UnknownMethod.to_string().starts_with("unknown HTTP method"));
        for (layer, name) in
            [(Layer::Api, "api"), (Layer::Generic, "generic"), (Layer::AcrossApis, "across_apis")]
        {
            assert_eq!((layer.as_str(), layer.to_string()), (name, name.to_owned()));
        }
        // The pages' own words for the app types (支持的应用类型).
        assert_eq!(AppType::Custom.as_zh(), "自建应用");
        assert_eq!(AppType::Store.as_zh(), "商店应用");
        for api in apis() {
            assert_eq!(api.to_string(), format!("{} {}", api.method().as_str(), api.path()));
        }
    }

    /// Each API's URL is its page's, host included; for nearly all its path is the
    /// API's template (a few pages write the URL of a v2 API differently).
    #[cfg(feature = "apis")]
    #[test]
    fn every_url_is_the_host_and_nearly_always_the_path_template() {
        let mut same = 0;
        for api in apis() {
            assert!(api.url().starts_with("https://"), "{api}: {}", api.url());
            same += usize::from(path_of(api.url()) == api.path());
        }
        assert!(same * 100 > apis().len() * 95, "{same} of {}", apis().len());
    }

    /// A tier's windows are exactly its given limits, shortest period first, and
    /// `from_windows` builds a tier from any one of them.
    #[cfg(feature = "apis")]
    #[test]
    fn windows_are_the_given_limits() {
        let periods = [1, 60, 3_600, 86_400].map(Duration::from_secs);
        let mut tiers = 0;
        for tier in apis().iter().filter_map(Api::rate_limit) {
            let RateLimit::Windows { per_second, per_minute, per_hour, per_day } = tier else {
                assert_eq!(tier.windows().count(), 0, "a special tier has no windows");
                continue;
            };
            let given: Vec<(u32, Duration)> = [per_second, per_minute, per_hour, per_day]
                .into_iter()
                .zip(periods)
                .filter_map(|(limit, period)| limit.map(|l| (l, period)))
                .collect();
            let windows: Vec<(u32, Duration)> =
                tier.windows().map(|w| (w.limit(), w.period())).collect();
            assert_eq!(windows, given, "{tier}");
            tiers += 1;
        }
        assert!(tiers > apis().len() / 2, "{tiers}");
        for i in 0..4 {
            let mut limits = [None; 4];
            limits[i] = Some(7 + i as u32);
            let tier = RateLimit::from_windows(limits[0], limits[1], limits[2], limits[3])
                .unwrap_or_else(|| panic!("one window given: {limits:?}"));
            let windows: Vec<(u32, Duration)> =
                tier.windows().map(|w| (w.limit(), w.period())).collect();
            assert_eq!(windows, [(7 + i as u32, periods[i])]);
        }
        assert_eq!(RateLimit::from_windows(None, None, None, None), None);
    }

    /// Every top-level per-API entry belongs to exactly the meaning `meaning` gives,
    /// whose APIs are its entries' and whose token is its first entry's; generic
    /// entries and sub-code rows have none.
    #[cfg(feature = "apis")]
    #[test]
    fn an_entry_is_in_its_meaning() {
        let (mut top, mut sub, mut with_apis) = (0, 0, 0);
        for e in api_entries() {
            let meaning = e.meaning();
            if e.parent_code().is_some() {
                assert_eq!(meaning, None, "a sub-code row has no meaning of its own");
                sub += 1;
                continue;
            }
            let meaning = meaning.unwrap_or_else(|| panic!("{} has a meaning", e.code()));
            assert!(meaning.entries().iter().any(|m| std::ptr::eq(m, e)));
            assert!(meaning.entries().iter().all(|m| m.code() == e.code()));
            let apis: Vec<&Api> = meaning.entries().iter().filter_map(Entry::api).collect();
            assert_eq!(meaning.apis().collect::<Vec<_>>(), apis);
            with_apis += usize::from(!apis.is_empty());
            assert_eq!(meaning.token(), meaning.entry().token());
            assert_eq!(meaning.token(), e.token());
            assert_eq!((meaning.category(), meaning.action()), (e.category(), e.action()));
            top += 1;
        }
        assert!(top > 1000 && sub > 10, "{top} top-level, {sub} sub-code rows");
        assert!(with_apis * 10 > top * 9, "{with_apis} of {top} meanings name APIs");
        for e in crate::catalog::entries() {
            assert_eq!(e.meaning(), None, "generic {}", e.code());
        }
    }

    /// The pages behind the APIs and their entries, each once, sorted by file.
    #[cfg(feature = "apis")]
    #[test]
    fn api_pages_are_the_sources_of_apis_and_entries() {
        let pages = api_pages();
        assert!(pages.windows(2).all(|w| w[0].file < w[1].file));
        let listed = |s: &Source| pages.iter().any(|p| p.file == s.file);
        assert!(apis().iter().all(|a| listed(a.source())));
        assert!(api_entries().iter().all(|e| listed(e.source())));
        assert!(pages.len() > 100, "{}", pages.len());
    }

    /// `resolve_with`'s choice within one layer and across meanings, recomputed from its
    /// documented rule for every code: best match quality, then most literal text, then
    /// (across meanings) most entries, then page order; a message nothing matches takes
    /// the generic entry, else the most documented meaning.
    #[cfg(feature = "apis")]
    #[test]
    fn resolution_follows_its_documented_order_for_every_code() {
        use std::cmp::Reverse;
        let (mut generic_ties, mut meaning_ties, mut unmatched_not_first) = (0, 0, 0);
        let mut codes: Vec<u32> = api_entries().iter().map(|e| e.code()).collect();
        codes.extend(crate::catalog::entries().iter().map(|e| e.code()));
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let generic = lookup(code);
            let meanings = crate::catalog::meanings(code);
            if generic.is_empty() && meanings.is_empty() {
                continue; // only sub-code rows: resolved under their parent
            }
            let mut messages: Vec<&str> = generic.iter().map(|e| e.message()).collect();
            messages.extend(meanings.iter().map(|m| m.entry().message()));
            for msg in messages {
                let got = resolve_with(code, msg, None).expect("a documented code resolves");
                // The generic layer: the first of the best (quality, literal) matches.
                let ranked: Vec<_> = generic
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| {
                        e.template()
                            .matches(msg)
                            .map(|t| ((t.quality, t.literal_len), Reverse(i), e))
                    })
                    .collect();
                if let Some(best) = ranked.iter().max_by_key(|r| (r.0, r.1)) {
                    generic_ties +=
                        usize::from(ranked.iter().filter(|r| r.0 == best.0).count() > 1);
                    assert!(std::ptr::eq(got.entry, best.2), "{code} {msg:?}: generic");
                    assert_eq!(got.layer, Layer::Generic);
                    continue;
                }
                // Across meanings: best quality, literal text, entries; then page order.
                let ranked: Vec<_> = meanings
                    .iter()
                    .enumerate()
                    .filter_map(|(i, m)| {
                        let t = m.entry().template().matches(msg)?;
                        Some(((t.quality, t.literal_len, m.entries().len()), Reverse(i), m))
                    })
                    .collect();
                let best =
                    ranked.iter().max_by_key(|r| (r.0, r.1)).expect("its own message matches");
                meaning_ties += usize::from(ranked.iter().filter(|r| r.0 == best.0).count() > 1);
                assert!(std::ptr::eq(got.entry, best.2.entry()), "{code} {msg:?}: across APIs");
                assert_eq!(got.layer, Layer::AcrossApis);
            }
            // A message nothing matches: the generic entry, else the most documented
            // meaning (the last of the largest, as `max_by_key` gives).
            let got = resolve_with(code, "\u{1}", None).expect("a documented code resolves");
            assert_eq!(got.quality, None);
            match generic.first() {
                Some(first) => assert!(std::ptr::eq(got.entry, first), "{code}"),
                None => {
                    let most = meanings.iter().max_by_key(|m| m.entries().len()).unwrap();
                    assert!(std::ptr::eq(got.entry, most.entry()), "{code}: unmatched");
                    unmatched_not_first +=
                        usize::from(!std::ptr::eq(most.entry(), meanings[0].entry()));
                }
            }
        }
        // The orders above are not vacuous: ties across meanings and a largest meaning
        // that is not the first occur in the catalog (ties within the generic page may
        // not: its duplicate rows differ in wording).
        assert!(
            meaning_ties > 0 && unmatched_not_first > 0,
            "{meaning_ties} meaning ties, {unmatched_not_first} unmatched, {generic_ties} generic ties"
        );
    }

    #[test]
    fn path_of_strips_host_query_and_fragment() {
        for (url, path) in [
            ("https://open.feishu.cn/open-apis/a/b?x=1", "/open-apis/a/b"),
            ("http://open.larksuite.com/open-apis/a#frag", "/open-apis/a"),
            ("open.feishu.cn/open-apis/a", "/open-apis/a"),
            ("/open-apis/a/", "/open-apis/a/"),
            ("  /open-apis/a  ", "/open-apis/a"),
            ("https://open.feishu.cn", ""),
            // A short host: what follows `://` is the host, whatever its length.
            ("http://h/open-apis/im/v1/chats", "/open-apis/im/v1/chats"),
            ("ws://a/p", "/p"),
            ("", ""),
        ] {
            assert_eq!(path_of(url), path, "{url}");
        }
    }

    #[test]
    fn the_trie_stores_literals_in_segment_order() {
        for node in data::ROUTES.iter() {
            assert!(node.literals.iter().all(|&(h, s, _)| h == segment_hash(s)));
            assert!(
                node.literals.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)),
                "{:?}",
                node.literals
            );
        }
        assert_eq!(segment_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(segment_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn carried_code_reads_the_ext_code() {
        assert_eq!(carried_code("x, ext=ErrCode: 11310; ErrMsg: y"), Some(11310));
        assert_eq!(carried_code("ErrCode:200380;"), Some(200380));
        assert_eq!(carried_code("ErrCode: ; ErrMsg"), None);
        assert_eq!(carried_code("ErrCode: 99999999999999"), None);
        assert_eq!(carried_code("no code"), None);
    }

    #[test]
    #[cfg(feature = "apis")] // it reads the API data
    fn the_area_is_the_first_segment_after_the_api_prefix() {
        for api in apis() {
            let area = api.area();
            assert!(!area.is_empty() && !area.contains('/'), "{api}");
            let expected = match api.path.strip_prefix("/open-apis/") {
                Some(rest) => rest.split('/').next().unwrap(),
                None => api.path.split('/').nth(1).unwrap(),
            };
            assert_eq!(area, expected, "{api}");
        }
        let im = route(Method::Get, "/open-apis/im/v1/chats/oc_1").unwrap();
        assert_eq!(im.area(), "im");
        let old = apis().iter().find(|a| a.path.starts_with("/approval/openapi/")).unwrap();
        assert_eq!(old.area(), "approval");
        let areas = areas();
        assert!(apis().iter().all(|a| areas.binary_search(&a.area()).is_ok()));
    }

    #[test]
    fn method_parses_any_case() {
        assert_eq!("get".parse::<Method>(), Ok(Method::Get));
        assert_eq!("DELETE".parse::<Method>(), Ok(Method::Delete));
        assert!("TRACE".parse::<Method>().is_err());
    }
}

#[cfg(feature = "serde")]
mod serde_impls {
    use serde::Serialize;
    use serde::ser::{SerializeStruct, Serializer};

    use super::{Api, Layer, RateLimit, Scope};

    impl Serialize for Layer {
        /// The snake_case name ([`Layer::as_str`]).
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    impl Serialize for Api {
        /// `{method, path, url, title, doc_url, updated, rate_limit, app_types, scopes,
        /// field_scopes, entries, area}`; `rate_limit` is `{per_second, per_minute}`,
        /// `"special"` or null; `entries` is their count.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Api", 12)?;
            s.serialize_field("method", self.method.as_str())?;
            s.serialize_field("path", self.path)?;
            s.serialize_field("url", self.url)?;
            s.serialize_field("title", self.title())?;
            s.serialize_field("doc_url", self.doc_url())?;
            s.serialize_field("updated", self.updated())?;
            s.serialize_field("rate_limit", &self.rate_limit)?;
            let app_types: Vec<&str> = self.app_types.iter().map(|t| t.as_str()).collect();
            s.serialize_field("app_types", &app_types)?;
            s.serialize_field("scopes", self.scopes)?;
            s.serialize_field("field_scopes", self.field_scopes)?;
            s.serialize_field("entries", &self.entries().len())?;
            s.serialize_field("area", self.area())?;
            s.end()
        }
    }

    impl Serialize for RateLimit {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match *self {
                RateLimit::Special => serializer.serialize_str("special"),
                RateLimit::Windows { per_second, per_minute, per_hour, per_day } => {
                    let mut s = serializer.serialize_struct("RateLimit", 4)?;
                    s.serialize_field("per_second", &per_second)?;
                    s.serialize_field("per_minute", &per_minute)?;
                    s.serialize_field("per_hour", &per_hour)?;
                    s.serialize_field("per_day", &per_day)?;
                    s.end()
                }
            }
        }
    }

    impl Serialize for Scope {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Scope", 2)?;
            s.serialize_field("id", self.id)?;
            s.serialize_field("name", self.name)?;
            s.end()
        }
    }
}
