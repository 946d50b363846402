//! Diagnosis: a real response (HTTP status, headers, body) turned into a decision.
//!
//! [`diagnose`] (feature `json`) parses the Feishu error body, resolves the entry with
//! the live `msg`, reads the rate-limit and request-id headers, and says what happened
//! ([`Category`]), what to do ([`Action`]), how long to wait, which token to refresh and
//! which scopes are missing. It is a pure function of its input and never panics.
//!
//! ```
//! use lark_errors::diagnose::{diagnose, Basis};
//! use lark_errors::{Action, Category};
//!
//! let headers = [("X-Ogw-Ratelimit-Reset", "52"), ("x-tt-logid", "2025abc")];
//! let body = br#"{"code":99991400,"msg":"request trigger frequency limit"}"#;
//! let d = diagnose(Some(429), &headers, body);
//! assert_eq!(d.basis, Basis::Catalog);
//! assert_eq!(d.category(), Some(Category::RateLimited));
//! assert_eq!(d.action(), Some(Action::WaitAndRetry));
//! assert_eq!(d.retry_after_secs, Some(52));
//! assert_eq!(d.log_id.as_deref(), Some("2025abc"));
//! ```
//!
//! # How a diagnosis is decided
//!
//! The decision is a chain of named classifiers, tried in order; the first that decides
//! wins (see `classify.rs`, where each is a small function with its own tests):
//!
//! 1. `success`: `code == 0`, or a 2xx response without an error code ([`Basis::Success`]);
//! 2. `challenge`: the body carries `data.challenge_url`: a login or MFA challenge the
//!    user must complete, not a request to fix (`authentication`, `reauthorize`,
//!    [`Basis::Challenge`]);
//! 3. `catalog`: the body's code is documented: the entry is resolved with the live
//!    `msg` ([`Basis::Catalog`]);
//! 4. `wrapped`: the envelope's code is not documented but its message carries one,
//!    written as [`extract`](crate::extract) reads codes in logs (`code: 99991679, msg:
//!    ...`, `"code":99991663`) or as a `[1254018] ...` prefix ([`Basis::Wrapped`]); an
//!    undocumented embedded code is reported as the code, and the steps below decide on
//!    its message;
//! 5. `violations`: `error.permission_violations` (a missing scope: `request_scope`) or
//!    `error.field_violations` (`fix_request`) ([`Basis::Violations`]);
//! 6. `too_many_requests`: HTTP 429 is a rate limit whatever the body says, JSON or not
//!    ([`Basis::HttpStatus`]);
//! 7. `message_words`: words in the message (or the OAuth `error`), English or Chinese:
//!    "frequency limit", "too many request", "频率" → rate limited; "quota", "limit
//!    exceeded", "超出" → quota; "token ... invalid / expired" → authentication;
//!    "permission", "denied", "forbidden", "权限" → permission; "not exist", "not found",
//!    "不存在" → not found; "already exist", "duplicate", "conflict", "已存在" → conflict;
//!    "not support", "不支持" → unsupported; "timeout", "busy", "try again", "稍后" →
//!    unavailable; "internal", "system error", "内部错误" → internal; "invalid",
//!    "illegal", "param", "required", "参数" → invalid request; the CamelCase forms of the
//!    platform's error names (`TooManyRequest`, `BaseTokenNotFound`, `RecordNotExist`,
//!    `AlreadyExists`) count as the spaced words ([`Basis::MessageWords`]);
//! 8. `http_status`: 401 authentication, 403 permission, 404 not found, 409 conflict,
//!    other 4xx invalid request, 500 internal, 502-504 unavailable ([`Basis::HttpStatus`]);
//! 9. nothing: category and action are `None` ([`Basis::Unknown`]).
//!
//! The HTTP status is never used while a documented body code exists: the platform sends
//! business errors with 200, 400, 403 and 429 alike.
//!
//! Values that come from the catalog entry (category, action, token, whether it is
//! known and retryable) are read through it by [`Diagnosis`]'s methods, so they cannot
//! disagree with [`Diagnosis::entry`].

use std::fmt;

use crate::catalog::{Api, Entry, Layer, Method, RateLimit, Scope};
use crate::semantics::{Action, Category, TokenKind};
use crate::template::MatchQuality;

mod classify;
mod wait;
mod words;

#[cfg(feature = "json")]
mod body;
#[cfg(feature = "json")]
mod fast;

/// Looks up response headers by name, case-insensitively.
///
/// Implemented for arrays, slices and vectors of `(name, value)` pairs; adapters for
/// other header maps (such as `http::HeaderMap`) are a few lines.
///
/// ```
/// use lark_errors::diagnose::Headers;
/// let headers = [("X-Tt-Logid", "L"), ("Retry-After", "3")];
/// assert_eq!(headers.header("x-tt-logid"), Some("L"));
/// assert_eq!(headers.header("date"), None);
/// ```
pub trait Headers {
    /// The first value of header `name` (compared ASCII-case-insensitively).
    fn header(&self, name: &str) -> Option<&str>;
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn header(&self, name: &str) -> Option<&str> {
        (**self).header(name)
    }
}

/// No headers at all, for when only a body is known.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHeaders;

impl Headers for NoHeaders {
    fn header(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// What a diagnosis rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Basis {
    /// `code == 0`, or a 2xx response without an error code: not an error.
    Success,
    /// The body's code is documented; the entry was resolved with the live `msg`.
    Catalog,
    /// The envelope's code is not a Feishu code; a code embedded in its `msg` was used.
    Wrapped,
    /// The body asks the user to complete a login or MFA challenge (`data.challenge_url`).
    Challenge,
    /// Undocumented code: decided from `error.permission_violations` / `field_violations`.
    Violations,
    /// Undocumented code: decided from words in the message.
    MessageWords,
    /// No usable code or words: decided from the HTTP status.
    HttpStatus,
    /// Nothing to decide from.
    Unknown,
}

impl Basis {
    /// The stable snake_case name.
    ///
    /// ```
    /// use lark_errors::diagnose::Basis;
    /// assert_eq!(Basis::MessageWords.as_str(), "message_words");
    /// assert_eq!(Basis::HttpStatus.to_string(), "http_status");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Basis::Success => "success",
            Basis::Catalog => "catalog",
            Basis::Wrapped => "wrapped",
            Basis::Challenge => "challenge",
            Basis::Violations => "violations",
            Basis::MessageWords => "message_words",
            Basis::HttpStatus => "http_status",
            Basis::Unknown => "unknown",
        }
    }

    /// Whether the decision is a heuristic rather than the catalog.
    ///
    /// ```
    /// use lark_errors::diagnose::Basis;
    /// assert!(Basis::MessageWords.is_heuristic());
    /// assert!(!Basis::Catalog.is_heuristic() && !Basis::Unknown.is_heuristic());
    /// ```
    pub const fn is_heuristic(self) -> bool {
        matches!(self, Basis::Violations | Basis::MessageWords | Basis::HttpStatus)
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entry of `error.field_violations`: a request field that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldViolation {
    /// The field's name or path.
    pub field: String,
    /// The value sent, if the platform echoes it.
    pub value: Option<String>,
    /// What is wrong with it.
    pub description: Option<String>,
}

/// An entry of `error.permission_violations`: a missing permission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PermissionViolation {
    /// The violation type, e.g. `action_scope_required`.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub kind: Option<String>,
    /// The missing permission, e.g. the scope `bitable:app`.
    pub subject: Option<String>,
    /// A description.
    pub description: Option<String>,
}

/// An entry of `error.helps`: a link that helps resolve the error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Help {
    /// The URL.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
}

/// An entry of `error.details`: more about the error, as `{key, value}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Detail {
    /// What the value is about, if the platform names it.
    pub key: Option<String>,
    /// The detail itself.
    pub value: Option<String>,
}

/// A response turned into a decision.
///
/// Fields are what the response said and what was found; what the decision is
/// (category, action, token, whether it is known and retryable) is read through the
/// methods, from the catalog entry when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The error code diagnosed: the body's, or the one wrapped in its message.
    pub code: Option<i64>,
    /// The live `msg` (or `error.message`, the OAuth `error_description`, or the start of
    /// a plain-text body).
    pub message: Option<String>,
    /// What the decision rests on.
    pub basis: Basis,
    /// The catalog entry the live message resolved to.
    pub entry: Option<&'static Entry>,
    /// The entry of a sub-code the live message carries (`ext=ErrCode: 11310; ...`),
    /// from the sub-code table of [`entry`](Self::entry)'s code. It says exactly what
    /// went wrong, so the decision is read through it.
    pub sub_entry: Option<&'static Entry>,
    /// Which layer of the catalog [`entry`](Self::entry) came from: the request's API,
    /// the generic page, or the code's meanings across API pages.
    pub layer: Option<Layer>,
    /// The API the request was sent to, when the caller gave the request
    /// ([`diagnose_request`], [`Diagnoser::request`]) and it routes to a documented API.
    pub api: Option<&'static Api>,
    /// How well the live message matched the entry's template (`None` if it did not).
    pub match_quality: Option<MatchQuality>,
    /// Placeholder values found in the live message.
    pub values: Vec<String>,
    /// Whether the live message contradicts the entry: it does not match the documented
    /// message, and its own words say a different category (a code reused by another
    /// layer, or a proxy's text).
    pub contradicts_catalog: bool,
    /// Seconds to wait before retrying, from `x-ogw-ratelimit-reset` (else
    /// `Retry-After`, delay-seconds or HTTP-date); only set when the diagnosis is
    /// retryable. `0` means "now".
    pub retry_after_secs: Option<u64>,
    /// Requests allowed per window, from `x-ogw-ratelimit-limit`.
    pub rate_limit: Option<u64>,
    /// Scopes the app lacks: `permission_violations[].subject` and the bracketed list in
    /// the message (`...required: [bitable:app, docx:document]`), deduplicated.
    pub missing_scopes: Vec<String>,
    /// `error.field_violations`.
    pub field_violations: Vec<FieldViolation>,
    /// `error.permission_violations`.
    pub permission_violations: Vec<PermissionViolation>,
    /// `error.helps`.
    pub helps: Vec<Help>,
    /// `error.details`.
    pub details: Vec<Detail>,
    /// `data.challenge_url`: where the user completes a login or MFA challenge.
    pub challenge_url: Option<String>,
    /// `data.hint`: the platform's hint for the user.
    pub hint: Option<String>,
    /// The request's log id: body `log_id` / `error.log_id`, else header `x-tt-logid`,
    /// else `x-request-id`.
    pub log_id: Option<String>,
    /// `error.troubleshooter`: a link to the platform's troubleshooting page.
    pub troubleshooter: Option<String>,
    /// The HTTP status, if known.
    pub http_status: Option<u16>,
    /// Why the body could not be read, if it could not.
    pub parse_error: Option<BodyError>,
    /// The category and action of a decision that is not the entry's own (a heuristic,
    /// or a challenge that overrides the entry).
    verdict: Option<(Category, Action)>,
}

impl Diagnosis {
    /// Diagnoses a bare code and message, as found in a log line (no status, headers or
    /// `error` object).
    ///
    /// ```
    /// use lark_errors::diagnose::{Basis, Diagnosis};
    /// use lark_errors::Category;
    ///
    /// // 230001 is documented by the IM pages only: its meanings across them decide.
    /// let d = Diagnosis::from_code_msg(230001, "Your request contains an invalid request parameter.");
    /// assert!(d.known());
    /// assert_eq!(d.layer, Some(lark_errors::catalog::Layer::AcrossApis));
    /// assert_eq!(d.category(), Some(Category::InvalidRequest));
    ///
    /// // A code no page documents: a heuristic, from the words of the message.
    /// let d = Diagnosis::from_code_msg(7777001, "Your request contains an invalid request parameter.");
    /// assert!(!d.known());
    /// assert_eq!(d.basis, Basis::MessageWords);
    /// assert_eq!(d.category(), Some(Category::InvalidRequest));
    /// ```
    pub fn from_code_msg(code: i64, msg: &str) -> Diagnosis {
        Diagnoser::new().code_msg(code, msg)
    }

    /// Whether the code is documented in the catalog (an entry was resolved).
    pub fn known(&self) -> bool {
        self.entry.is_some()
    }

    /// What went wrong; `None` for success or when nothing is known.
    pub fn category(&self) -> Option<Category> {
        match self.basis {
            Basis::Success => None,
            _ => self.verdict.map(|v| v.0).or_else(|| self.decisive_entry().map(Entry::category)),
        }
    }

    /// What to do; `None` for success or when nothing is known.
    pub fn action(&self) -> Option<Action> {
        match self.basis {
            Basis::Success => None,
            _ => self.verdict.map(|v| v.1).or_else(|| self.decisive_entry().map(Entry::action)),
        }
    }

    /// The token concerned, where the decision is the entry's and the entry is about one
    /// token.
    pub fn token(&self) -> Option<TokenKind> {
        if self.verdict.is_some() || self.basis == Basis::Success {
            return None;
        }
        self.decisive_entry().and_then(Entry::token)
    }

    /// The entry the decision is read through: the sub-code's, else the code's.
    pub fn decisive_entry(&self) -> Option<&'static Entry> {
        self.sub_entry.or(self.entry)
    }

    /// The scopes the request's API documents (any one of them suffices), on a
    /// diagnosis that asks for a scope: what to request even when the live message
    /// names none. Empty without a known API or for other actions.
    ///
    /// ```
    /// use lark_errors::diagnose::{diagnose_request, NoHeaders};
    ///
    /// let body = br#"{"code":99991672,"msg":"Access denied. One of the following scopes is required"}"#;
    /// let d = diagnose_request("POST", "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id", Some(400), &NoHeaders, body);
    /// assert_eq!(d.api.unwrap().path(), "/open-apis/im/v1/messages");
    /// assert!(d.required_scopes().iter().any(|s| s.id() == "im:message"));
    /// ```
    pub fn required_scopes(&self) -> &'static [Scope] {
        match (self.api, self.action()) {
            (Some(api), Some(Action::RequestScope)) => api.scopes(),
            _ => &[],
        }
    }

    /// The request's API's documented rate-limit tier, on a diagnosis of the platform's
    /// frequency limit ([`code::FREQUENCY_LIMIT`](crate::platform::code::FREQUENCY_LIMIT),
    /// which counts against that tier): the limit the caller exceeded, even without an
    /// `x-ogw-ratelimit-limit` header. `None` without a known API, for other codes, or
    /// where the page documents no tier.
    ///
    /// ```
    /// use lark_errors::diagnose::{diagnose_request, NoHeaders};
    ///
    /// let body = br#"{"code":99991400,"msg":"request trigger frequency limit"}"#;
    /// let d = diagnose_request("POST", "/open-apis/im/v1/messages", Some(429), &NoHeaders, body);
    /// assert_eq!(d.documented_rate_limit().unwrap().to_string(), "1000/min, 50/s");
    ///
    /// // Without the request, no API and so no tier.
    /// let d = lark_errors::diagnose(Some(429), &NoHeaders, body);
    /// assert_eq!(d.documented_rate_limit(), None);
    ///
    /// let other = br#"{"code":230002,"msg":"The bot can not be outside the group."}"#;
    /// let d = diagnose_request("POST", "/open-apis/im/v1/messages", Some(400), &NoHeaders, other);
    /// assert_eq!(d.documented_rate_limit(), None);
    /// ```
    pub fn documented_rate_limit(&self) -> Option<RateLimit> {
        let frequency = i64::from(crate::platform::code::FREQUENCY_LIMIT);
        if self.code != Some(frequency) {
            return None;
        }
        self.api.and_then(Api::rate_limit)
    }

    /// Whether sending the request again can succeed.
    pub fn retryable(&self) -> bool {
        self.action().is_some_and(Action::is_retryable)
    }

    /// Whether the response was a success (`code == 0`, or 2xx without an error code).
    pub fn is_success(&self) -> bool {
        self.basis == Basis::Success
    }

    /// Whether the decision is a heuristic (the code is not in the catalog).
    pub fn is_heuristic(&self) -> bool {
        self.basis.is_heuristic()
    }
}

/// The parts of a Feishu error body a diagnosis uses.
///
/// `{code, msg, data?: {challenge_url, hint}, log_id?, error?: {log_id, message,
/// troubleshooter, details, permission_violations, field_violations, helps}}`, or the
/// OAuth shape `{error, error_description}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ErrorBody {
    /// `code`, a number or a numeric string.
    pub(crate) code: Option<i64>,
    /// `msg`.
    pub(crate) msg: Option<String>,
    /// `log_id`, else `error.log_id`.
    pub(crate) log_id: Option<String>,
    /// `error.message`.
    pub(crate) error_message: Option<String>,
    /// `error.troubleshooter`.
    pub(crate) troubleshooter: Option<String>,
    /// `error.details`.
    pub(crate) details: Vec<Detail>,
    /// `error.permission_violations`.
    pub(crate) permission_violations: Vec<PermissionViolation>,
    /// `error.field_violations`.
    pub(crate) field_violations: Vec<FieldViolation>,
    /// `error.helps`.
    pub(crate) helps: Vec<Help>,
    /// `data.challenge_url`.
    pub(crate) challenge_url: Option<String>,
    /// `data.hint`.
    pub(crate) hint: Option<String>,
    /// `error` when it is a string: the OAuth error shape (`too_many_requests`).
    pub(crate) oauth_error: Option<String>,
    /// `error_description` of the OAuth error shape.
    pub(crate) oauth_error_description: Option<String>,
}

/// Why a body could not be read as a Feishu error body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is empty.
    Empty,
    /// The body is not JSON (or is truncated JSON); the reason from the JSON parser.
    NotJson {
        /// The parser's message.
        reason: String,
    },
    /// The body is JSON but not an object.
    NotObject,
    /// The body has no `code`.
    NoCode,
    /// `code` is not an integer.
    BadCode {
        /// The value found, shortened.
        text: String,
    },
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::Empty => f.write_str("the body is empty"),
            BodyError::NotJson { reason } => write!(f, "the body is not JSON: {reason}"),
            BodyError::NotObject => f.write_str("the body is JSON but not an object"),
            BodyError::NoCode => f.write_str("the body has no `code` field"),
            BodyError::BadCode { text } => write!(f, "`code` is not an integer: {text}"),
        }
    }
}

impl std::error::Error for BodyError {}

/// Diagnoses a response: `status` if known, its headers, and the raw body bytes.
///
/// Never panics, whatever the bytes. A body that cannot be read (or is empty) still
/// gives a diagnosis from the status and headers (and any words of a plain-text body),
/// with [`Diagnosis::parse_error`] saying why. A pure function: an HTTP-date
/// `Retry-After` is measured against the response's own `Date` header; use
/// [`diagnose_at`] to measure it against a clock when there is none.
///
/// ```
/// use lark_errors::diagnose::{diagnose, NoHeaders};
/// use lark_errors::Category;
///
/// let d = diagnose(Some(404), &NoHeaders, b"404 page not found");
/// assert_eq!(d.category(), Some(Category::NotFound));
/// assert!(d.parse_error.is_some());
///
/// let d = diagnose(Some(429), &[("Retry-After", "2")], b"");
/// assert_eq!((d.category(), d.retry_after_secs), (Some(Category::RateLimited), Some(2)));
///
/// let d = diagnose(Some(200), &NoHeaders, br#"{"code":0,"msg":"success","data":{}}"#);
/// assert!(d.is_success());
/// ```
#[cfg(feature = "json")]
pub fn diagnose<H: Headers + ?Sized>(status: Option<u16>, headers: &H, body: &[u8]) -> Diagnosis {
    Diagnoser::new().diagnose(status, headers, body)
}

/// [`diagnose`], with the time the response was received (`now`), against which an
/// HTTP-date `Retry-After` is measured when the response has no `Date` header.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use lark_errors::diagnose::diagnose_at;
///
/// let headers = [("retry-after", "Thu, 01 Jan 1970 00:01:00 GMT")];
/// let d = diagnose_at(Some(503), &headers, b"", UNIX_EPOCH + Duration::from_secs(45));
/// assert_eq!(d.retry_after_secs, Some(15));
/// ```
#[cfg(feature = "json")]
pub fn diagnose_at<H: Headers + ?Sized>(
    status: Option<u16>,
    headers: &H,
    body: &[u8],
    now: std::time::SystemTime,
) -> Diagnosis {
    Diagnoser::new().now(now).diagnose(status, headers, body)
}

/// [`diagnose`], knowing the request: `method` and `url` (any host, or a bare path;
/// query ignored) route to the documented API, whose own entries then win over the
/// generic page ([`Diagnosis::api`], [`Diagnosis::layer`]). A request that routes to no
/// documented API is diagnosed as without one.
///
/// ```
/// use lark_errors::catalog::Layer;
/// use lark_errors::diagnose::{diagnose_request, NoHeaders};
///
/// let body = br#"{"code":230002,"msg":"The bot can not be outside the group."}"#;
/// let d = diagnose_request("POST", "/open-apis/im/v1/messages", Some(400), &NoHeaders, body);
/// assert_eq!(d.layer, Some(Layer::Api));
/// assert_eq!(d.entry.unwrap().api(), d.api);
/// ```
#[cfg(feature = "json")]
pub fn diagnose_request<H: Headers + ?Sized>(
    method: &str,
    url: &str,
    status: Option<u16>,
    headers: &H,
    body: &[u8],
) -> Diagnosis {
    Diagnoser::new().request(method, url).diagnose(status, headers, body)
}

/// What a diagnosis knows besides the response: the request's API and the time the
/// response was received. [`diagnose`], [`diagnose_at`] and [`diagnose_request`] are
/// shorthands for it.
///
/// ```
/// use lark_errors::catalog::Method;
/// use lark_errors::diagnose::{Diagnoser, NoHeaders};
///
/// let api = lark_errors::route(Method::Post, "/open-apis/im/v1/messages");
/// let d = Diagnoser::new().api(api).code_msg(230002, "The bot can not be outside the group.");
/// assert_eq!(d.api, api);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Diagnoser {
    api: Option<&'static Api>,
    now: Option<i64>,
}

impl Diagnoser {
    /// Nothing known besides the response.
    pub const fn new() -> Diagnoser {
        Diagnoser { api: None, now: None }
    }

    /// The API the request was sent to (e.g. from [`crate::route`]).
    pub const fn api(self, api: Option<&'static Api>) -> Diagnoser {
        Diagnoser { api, ..self }
    }

    /// The request's method and URL, routed to its API: with a method that is not an
    /// HTTP method, by the path alone where that is unambiguous.
    pub fn request(self, method: &str, url: &str) -> Diagnoser {
        let api = match method.trim().parse::<Method>() {
            Ok(method) => crate::catalog::route(method, url),
            Err(_) => crate::catalog::route_path(url),
        };
        self.api(api)
    }

    /// When the response was received: the base of an HTTP-date `Retry-After` when the
    /// response has no `Date` header.
    pub fn now(self, now: std::time::SystemTime) -> Diagnoser {
        let now = match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        Diagnoser { now: Some(now), ..self }
    }

    /// Diagnoses a bare code and message (a log line), with what is known.
    pub fn code_msg(&self, code: i64, msg: &str) -> Diagnosis {
        let body =
            ErrorBody { code: Some(code), msg: Some(msg.to_owned()), ..ErrorBody::default() };
        classify::decide(&classify::Response::new(None, &NoHeaders, body, None, self.now, self.api))
    }

    /// Diagnoses a response: status, headers, body bytes.
    ///
    /// A body that is plainly the platform's success envelope (`{"code":0,"msg":...,
    /// "data":...}` without escapes, floats or the keys an error reads) is recognised by
    /// a one-pass scan instead of being parsed; the diagnosis is the same
    /// ([`Diagnoser::diagnose_without_fast_path`] is the full parse, for comparison).
    #[cfg(feature = "json")]
    pub fn diagnose<H: Headers + ?Sized>(
        &self,
        status: Option<u16>,
        headers: &H,
        body: &[u8],
    ) -> Diagnosis {
        match fast::success(body) {
            Some(msg) => {
                classify::plain_success(status, &headers, msg.map(str::to_owned), self.api)
            }
            None => self.diagnose_without_fast_path(status, headers, body),
        }
    }

    /// [`Diagnoser::diagnose`] without its success fast path: the body is always parsed
    /// in full. The diagnosis is the same for every input (a property test and the
    /// `diagnose_body` fuzz target check it); this is what they compare against.
    ///
    /// ```
    /// use lark_errors::diagnose::{Diagnoser, NoHeaders};
    ///
    /// let d = Diagnoser::new();
    /// for body in [&br#"{"code":0,"msg":"success","data":{}}"#[..], br#"{"code":0.0}"#, b"{"] {
    ///     assert_eq!(
    ///         d.diagnose(Some(200), &NoHeaders, body),
    ///         d.diagnose_without_fast_path(Some(200), &NoHeaders, body)
    ///     );
    /// }
    /// ```
    #[cfg(feature = "json")]
    pub fn diagnose_without_fast_path<H: Headers + ?Sized>(
        &self,
        status: Option<u16>,
        headers: &H,
        body: &[u8],
    ) -> Diagnosis {
        let (parsed, error) = body::read(body);
        let plain = error.as_ref().and_then(|_| plain_text(body));
        let mut response =
            classify::Response::new(status, &headers, parsed, error, self.now, self.api);
        if response.message.is_none() {
            response.message = plain;
        }
        classify::decide(&response)
    }
}

/// The start of a body that is not JSON, as text for the message-word heuristic.
#[cfg(feature = "json")]
fn plain_text(body: &[u8]) -> Option<String> {
    const MAX: usize = 512;
    // Cut before a character the limit would split (a UTF-8 character is at most four
    // bytes: at most three continuation bytes to step back over), not inside it.
    let mut end = body.len().min(MAX);
    for _ in 0..3 {
        if body.get(end).is_some_and(|&b| b & 0xC0 == 0x80) {
            end -= 1;
        }
    }
    let mut text = String::from_utf8_lossy(&body[..end]);
    // Invalid bytes become U+FFFD, three bytes each: the message is still at most MAX.
    if text.len() > MAX {
        let mut cut = MAX;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.to_mut().truncate(cut);
    }
    let text = text.trim().trim_start_matches('\u{FEFF}');
    // A body that is mostly control bytes is binary, not a message.
    let printable = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).count();
    (!text.is_empty()
        && printable * 10 >= text.chars().count() * 9
        && !text.starts_with(['{', '[']))
    .then(|| text.to_owned())
}

#[cfg(feature = "serde")]
mod serde_impls {
    use serde::Serialize;
    use serde::ser::{SerializeStruct, Serializer};

    use super::{Basis, BodyError, Diagnosis};

    impl Serialize for Basis {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    impl Serialize for BodyError {
        /// The message, as [`Display`](std::fmt::Display) writes it.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self)
        }
    }

    impl Serialize for Diagnosis {
        /// `{code, message, known, basis, entry, category, action, retryable,
        /// retry_after_secs, token, missing_scopes, field_violations, log_id,
        /// troubleshooter, http_status, match_quality, values, rate_limit,
        /// permission_violations, helps, parse_error}`, then the fields added since:
        /// `details`, `challenge_url`, `hint`, `contradicts_catalog`, `api`, `layer`,
        /// `sub_entry`, `required_scopes`.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Diagnosis", 29)?;
            s.serialize_field("code", &self.code)?;
            s.serialize_field("message", &self.message)?;
            s.serialize_field("known", &self.known())?;
            s.serialize_field("basis", &self.basis)?;
            s.serialize_field("entry", &self.entry)?;
            s.serialize_field("category", &self.category())?;
            s.serialize_field("action", &self.action())?;
            s.serialize_field("retryable", &self.retryable())?;
            s.serialize_field("retry_after_secs", &self.retry_after_secs)?;
            s.serialize_field("token", &self.token())?;
            s.serialize_field("missing_scopes", &self.missing_scopes)?;
            s.serialize_field("field_violations", &self.field_violations)?;
            s.serialize_field("log_id", &self.log_id)?;
            s.serialize_field("troubleshooter", &self.troubleshooter)?;
            s.serialize_field("http_status", &self.http_status)?;
            s.serialize_field("match_quality", &self.match_quality.map(|q| q.as_str()))?;
            s.serialize_field("values", &self.values)?;
            s.serialize_field("rate_limit", &self.rate_limit)?;
            s.serialize_field("permission_violations", &self.permission_violations)?;
            s.serialize_field("helps", &self.helps)?;
            s.serialize_field("parse_error", &self.parse_error)?;
            s.serialize_field("details", &self.details)?;
            s.serialize_field("challenge_url", &self.challenge_url)?;
            s.serialize_field("hint", &self.hint)?;
            s.serialize_field("contradicts_catalog", &self.contradicts_catalog)?;
            s.serialize_field("api", &self.api)?;
            s.serialize_field("layer", &self.layer)?;
            s.serialize_field("sub_entry", &self.sub_entry)?;
            s.serialize_field("required_scopes", self.required_scopes())?;
            s.end()
        }
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn bases_have_names_and_say_whether_they_are_heuristics() {
        let all = [
            (Basis::Success, "success", false),
            (Basis::Catalog, "catalog", false),
            (Basis::Wrapped, "wrapped", false),
            (Basis::Challenge, "challenge", false),
            (Basis::Violations, "violations", true),
            (Basis::MessageWords, "message_words", true),
            (Basis::HttpStatus, "http_status", true),
            (Basis::Unknown, "unknown", false),
        ];
        for (basis, name, heuristic) in all {
            assert_eq!((basis.as_str(), basis.to_string()), (name, name.to_owned()));
            assert_eq!(basis.is_heuristic(), heuristic, "{name}");
        }
        let words = Diagnoser::new().diagnose(Some(500), &NoHeaders, b"permission denied");
        assert!(words.is_heuristic() && words.basis.is_heuristic());
        let known = Diagnoser::new().code_msg(99991400, "request trigger frequency limit");
        assert!(!known.is_heuristic());
    }

    /// What the request's API adds to a diagnosis, for every API the catalog has: its
    /// scopes on a scope error, its tier on the frequency limit, nothing otherwise.
    #[cfg(feature = "apis")]
    #[test]
    fn the_api_gives_its_scopes_and_tier_to_the_diagnoses_that_ask() {
        use crate::platform::code::FREQUENCY_LIMIT;
        let scope_msg = "Access denied. One of the following scopes is required";
        let (mut with_scopes, mut with_tier) = (0, 0);
        for api in crate::catalog::apis() {
            let diagnoser = Diagnoser::new().api(Some(api));
            let scope = diagnoser.code_msg(99991672, scope_msg);
            assert_eq!(scope.api, Some(api), "{api}");
            if scope.action() == Some(Action::RequestScope) {
                assert_eq!(scope.required_scopes(), api.scopes(), "{api}");
                with_scopes += usize::from(!api.scopes().is_empty());
            } else {
                assert!(scope.required_scopes().is_empty(), "{api}");
            }
            assert_eq!(scope.documented_rate_limit(), None, "{api}: not a frequency limit");
            let limited =
                diagnoser.code_msg(FREQUENCY_LIMIT.into(), "request trigger frequency limit");
            assert_eq!(limited.documented_rate_limit(), api.rate_limit(), "{api}");
            assert!(limited.required_scopes().is_empty(), "{api}: not a scope error");
            with_tier += usize::from(api.rate_limit().is_some());
        }
        // Most APIs document both; the loop above is not vacuous.
        assert!(with_scopes > crate::catalog::apis().len() / 2, "{with_scopes}");
        assert!(with_tier > crate::catalog::apis().len() / 2, "{with_tier}");
        // Without an API, neither.
        let bare = Diagnoser::new().code_msg(99991672, scope_msg);
        assert_eq!((bare.api, bare.required_scopes()), (None, &[][..]));
        let bare =
            Diagnoser::new().code_msg(FREQUENCY_LIMIT.into(), "request trigger frequency limit");
        assert_eq!(bare.documented_rate_limit(), None);
    }

    /// `Diagnoser::request` routes like the catalog: by method and URL, by the path
    /// alone when the method is not one.
    #[cfg(feature = "apis")]
    #[test]
    fn a_request_is_routed_like_the_catalog_routes_it() {
        use crate::catalog::{route, route_path};
        let body = br#"{"code":99991672,"msg":"Access denied."}"#;
        let api = |method: &str, url: &str| {
            Diagnoser::new().request(method, url).diagnose(Some(400), &NoHeaders, body).api
        };
        let chats = "https://open.feishu.cn/open-apis/im/v1/chats?page_size=20";
        assert!(route(Method::Get, chats).is_some());
        assert_eq!(api("GET", chats), route(Method::Get, chats));
        assert_eq!(api(" GET ", chats), route(Method::Get, chats));
        let messages = "/open-apis/im/v1/messages";
        assert_ne!(route(Method::Get, messages), route(Method::Post, messages));
        assert_eq!(api("POST", messages), route(Method::Post, messages));
        assert_eq!(api("GET", messages), route(Method::Get, messages));
        // Not a method: the path alone, where only one method has it.
        let reaction = "/open-apis/im/v1/messages/om_1/reactions/r_1";
        assert!(route_path(reaction).is_some());
        assert_eq!(api("SEND", reaction), route_path(reaction));
        assert_eq!(api("SEND", messages), None);
        assert_eq!(api("GET", "/open-apis/no/such/api"), None);
    }

    #[test]
    fn no_headers_has_none() {
        for name in ["retry-after", "x-tt-logid", "", "date"] {
            assert_eq!(NoHeaders.header(name), None);
        }
    }

    #[test]
    fn a_bare_code_and_msg_are_diagnosed_as_given() {
        let d = Diagnoser::new().code_msg(99991663, "Invalid access token for authorization");
        assert_eq!(d.code, Some(99991663));
        assert_eq!(d.message.as_deref(), Some("Invalid access token for authorization"));
        assert_eq!(d.basis, Basis::Catalog);
    }

    #[test]
    fn now_is_the_base_of_an_http_date_retry_after_without_a_date_header() {
        let body = br#"{"code":99991400,"msg":"request trigger frequency limit"}"#;
        let headers = [("retry-after", "Thu, 01 Jan 2026 00:00:30 GMT")];
        let at = |secs: u64| UNIX_EPOCH + Duration::from_secs(secs);
        // 2026-01-01T00:00:00Z is 1,767,225,600.
        let d = Diagnoser::new().now(at(1_767_225_600)).diagnose(Some(429), &headers, body);
        assert_eq!(d.retry_after_secs, Some(30));
        let d = Diagnoser::new().now(at(1_767_225_620)).diagnose(Some(429), &headers, body);
        assert_eq!(d.retry_after_secs, Some(10));
        // Without a clock, an HTTP date cannot be measured.
        let d = Diagnoser::new().diagnose(Some(429), &headers, body);
        assert_ne!(d.retry_after_secs, Some(30));
        // A clock before 1970 is a time too, not a panic.
        let before = UNIX_EPOCH - Duration::from_secs(5);
        let d = Diagnoser::new().now(before).diagnose(Some(429), &headers, body);
        assert_eq!(d.retry_after_secs, Some(1_767_225_630 + 5));
    }

    #[test]
    fn the_text_of_a_body_that_is_not_json_is_its_message() {
        let msg = |body: &[u8]| Diagnoser::new().diagnose(Some(503), &NoHeaders, body).message;
        assert_eq!(msg(b"  gateway busy \n").as_deref(), Some("gateway busy"));
        assert_eq!(msg("\u{feff}gateway busy".as_bytes()).as_deref(), Some("gateway busy"));
        // At most 512 bytes of it.
        let long = "x".repeat(600);
        assert_eq!(msg(long.as_bytes()).map(|m| m.len()), Some(512));
        // Not JSON that failed to parse, not binary, not nothing.
        assert_eq!(msg(br#"{"code": 9999"#), None);
        assert_eq!(msg(b"[1, 2"), None);
        assert_eq!(msg(b"   "), None);
        assert_eq!(msg(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0cabc"), None);
        // Nine printable characters in ten is text.
        assert_eq!(msg(b"abcdefghi\x01").as_deref(), Some("abcdefghi\u{1}"));
        assert_eq!(msg(b"abcdefgh\x01\x02"), None);
    }
}
