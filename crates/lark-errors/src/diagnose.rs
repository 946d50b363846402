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
//! let d = diagnose(Some(429), &headers[..], body);
//! assert_eq!(d.basis, Basis::Catalog);
//! assert_eq!(d.category, Some(Category::RateLimited));
//! assert_eq!(d.action, Some(Action::WaitAndRetry));
//! assert_eq!(d.retry_after_secs, Some(52));
//! assert_eq!(d.log_id.as_deref(), Some("2025abc"));
//! ```
//!
//! # How undocumented codes are decided
//!
//! Each API documents its own codes beside the common page (230001 for IM, 1254045 for
//! Bitable, ...). For a code that is not in the catalog, the diagnosis is `known: false`
//! and rests, in this order, on:
//!
//! 1. a documented code wrapped in the message by another layer (`code: 99991679, msg:
//!    ...`, `[1254018] ...`, `"code":99991663`), when the envelope's own code is
//!    undocumented ([`Basis::Wrapped`]);
//! 2. `error.permission_violations` (a missing scope: `request_scope`) or
//!    `error.field_violations` (`fix_request`) ([`Basis::Violations`]);
//! 3. words in the message, English or Chinese: "frequency limit", "too many request",
//!    "频率" → rate limited; "quota", "limit exceeded", "超出" → quota; "token ... invalid /
//!    expired" → authentication; "permission", "denied", "forbidden", "权限" → permission;
//!    "not exist", "not found", "不存在" → not found; "already exist", "duplicate",
//!    "conflict", "已存在" → conflict; "invalid", "illegal", "param", "required", "参数" →
//!    invalid request; "not support", "不支持" → unsupported; the CamelCase forms of
//!    the platform's error names (`TooManyRequest`, `BaseTokenNotFound`,
//!    `RecordNotExist`, `AlreadyExists`) count as the spaced words; "timeout", "busy", "try
//!    again", "稍后" → unavailable; "internal", "system error", "内部错误" → internal
//!    ([`Basis::MessageWords`], see [`classify_message`]);
//! 4. the HTTP status: 429 rate limited, 401 authentication, 403 permission, 404 not
//!    found, 409 conflict, other 4xx invalid request, 500 internal, 502-504 unavailable
//!    ([`Basis::HttpStatus`]);
//! 5. nothing: category and action are `None` ([`Basis::Unknown`]).
//!
//! The HTTP status is never used while a documented body code exists: the platform sends
//! business errors with 200, 400, 403 and 429 alike.

use std::fmt;

use crate::catalog::{self, Entry};
use crate::platform::header;
use crate::semantics::{Action, Category, TokenKind};
use crate::template::MatchQuality;

/// Looks up response headers by name, case-insensitively.
///
/// Implemented for slices and vectors of `(name, value)` pairs; adapters for other header
/// maps (such as `http::HeaderMap`) are a few lines.
pub trait Headers {
    /// The first value of header `name` (compared ASCII-case-insensitively).
    fn header(&self, name: &str) -> Option<&str>;
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
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
    pub const fn as_str(self) -> &'static str {
        match self {
            Basis::Success => "success",
            Basis::Catalog => "catalog",
            Basis::Wrapped => "wrapped",
            Basis::Violations => "violations",
            Basis::MessageWords => "message_words",
            Basis::HttpStatus => "http_status",
            Basis::Unknown => "unknown",
        }
    }

    /// Whether the decision is a heuristic rather than the catalog.
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

/// A response turned into a decision. Field names are the JSON names of DESIGN.md.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The error code diagnosed: the body's, or the one wrapped in its message.
    pub code: Option<i64>,
    /// The live `msg` (or `error.message`, or the start of a plain-text body).
    pub message: Option<String>,
    /// Whether the code is documented in the catalog.
    pub known: bool,
    /// What the decision rests on.
    pub basis: Basis,
    /// The catalog entry the live message resolved to.
    pub entry: Option<&'static Entry>,
    /// How well the live message matched the entry's template (`None` if it did not).
    pub match_quality: Option<MatchQuality>,
    /// Placeholder values found in the live message.
    pub values: Vec<String>,
    /// What went wrong; `None` for success or when nothing is known.
    pub category: Option<Category>,
    /// What to do; `None` for success or when nothing is known.
    pub action: Option<Action>,
    /// Whether sending the request again can succeed.
    pub retryable: bool,
    /// Seconds to wait before retrying, from `x-ogw-ratelimit-reset` (else
    /// `Retry-After`); only set when the diagnosis is retryable.
    pub retry_after_secs: Option<u64>,
    /// Requests allowed per window, from `x-ogw-ratelimit-limit`.
    pub rate_limit: Option<u64>,
    /// The token concerned, where the entry is about one token.
    pub token: Option<TokenKind>,
    /// Scopes the app lacks: `permission_violations[].subject` and the bracketed list in
    /// the message (`...required: [bitable:app, docx:document]`), deduplicated.
    pub missing_scopes: Vec<String>,
    /// `error.field_violations`.
    pub field_violations: Vec<FieldViolation>,
    /// `error.permission_violations`.
    pub permission_violations: Vec<PermissionViolation>,
    /// `error.helps`.
    pub helps: Vec<Help>,
    /// The request's log id: body `log_id` / `error.log_id`, else header `x-tt-logid`,
    /// else `x-request-id`.
    pub log_id: Option<String>,
    /// `error.troubleshooter`: a link to the platform's troubleshooting page.
    pub troubleshooter: Option<String>,
    /// The HTTP status, if known.
    pub http_status: Option<u16>,
    /// Why the body could not be read, if it could not.
    pub parse_error: Option<String>,
}

impl Diagnosis {
    /// An empty diagnosis with nothing known.
    fn unknown(http_status: Option<u16>) -> Diagnosis {
        Diagnosis {
            code: None,
            message: None,
            known: false,
            basis: Basis::Unknown,
            entry: None,
            match_quality: None,
            values: Vec::new(),
            category: None,
            action: None,
            retryable: false,
            retry_after_secs: None,
            rate_limit: None,
            token: None,
            missing_scopes: Vec::new(),
            field_violations: Vec::new(),
            permission_violations: Vec::new(),
            helps: Vec::new(),
            log_id: None,
            troubleshooter: None,
            http_status,
            parse_error: None,
        }
    }

    /// Diagnoses a bare code and message, as found in a log line (no status, headers or
    /// `error` object).
    ///
    /// ```
    /// use lark_errors::diagnose::{Basis, Diagnosis};
    /// use lark_errors::Category;
    ///
    /// let d = Diagnosis::from_code_msg(230001, "Your request contains an invalid request parameter.");
    /// assert!(!d.known);
    /// assert_eq!(d.basis, Basis::MessageWords);
    /// assert_eq!(d.category, Some(Category::InvalidRequest));
    /// ```
    pub fn from_code_msg(code: i64, msg: &str) -> Diagnosis {
        let body =
            ErrorBody { code: Some(code), msg: Some(msg.to_owned()), ..ErrorBody::default() };
        decide(None, &NoHeaders, Ok(body))
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
/// `{code, msg, data?, log_id?, error?: {log_id, message, troubleshooter, details,
/// permission_violations, field_violations, helps}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ErrorBody {
    /// `code`, a number or a numeric string.
    pub code: Option<i64>,
    /// `msg`.
    pub msg: Option<String>,
    /// `log_id`, else `error.log_id`.
    pub log_id: Option<String>,
    /// `error.message`.
    pub error_message: Option<String>,
    /// `error.troubleshooter`.
    pub troubleshooter: Option<String>,
    /// `error.details` as `(key, value)` pairs.
    pub details: Vec<(String, String)>,
    /// `error.permission_violations`.
    pub permission_violations: Vec<PermissionViolation>,
    /// `error.field_violations`.
    pub field_violations: Vec<FieldViolation>,
    /// `error.helps`.
    pub helps: Vec<Help>,
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
    /// The object has no `code`.
    NoCode,
    /// `code` is present but not an integer that fits in 64 bits.
    BadCode {
        /// The code as written (at most 64 characters of it).
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
/// Never panics, whatever the bytes. A body that cannot be read still gives a diagnosis
/// from the status (and any words of a plain-text body), with
/// [`Diagnosis::parse_error`] saying why.
///
/// ```
/// use lark_errors::diagnose::{diagnose, Basis, NoHeaders};
/// use lark_errors::{Action, Category};
///
/// let d = diagnose(Some(404), &NoHeaders, b"404 page not found");
/// assert_eq!(d.category, Some(Category::NotFound));
/// assert!(d.parse_error.is_some());
///
/// let d = diagnose(Some(200), &NoHeaders, br#"{"code":0,"msg":"success","data":{}}"#);
/// assert!(d.is_success());
/// ```
#[cfg(feature = "json")]
pub fn diagnose<H: Headers + ?Sized>(status: Option<u16>, headers: &H, body: &[u8]) -> Diagnosis {
    decide(status, headers, ErrorBody::parse(body).map_err(|e| (e, plain_text(body))))
}

#[cfg(feature = "json")]
mod body;

#[cfg(feature = "json")]
impl ErrorBody {
    /// Parses a Feishu error body. Keys it does not use are skipped and values of an
    /// unexpected type are ignored; only a missing or non-integer `code` and JSON that
    /// is not an object are errors.
    ///
    /// ```
    /// use lark_errors::diagnose::ErrorBody;
    /// let b = ErrorBody::parse(br#"{"code":"99991663","msg":"x","error":{"log_id":"L"}}"#).unwrap();
    /// assert_eq!(b.code, Some(99991663));
    /// assert_eq!(b.log_id.as_deref(), Some("L"));
    /// ```
    pub fn parse(body: &[u8]) -> Result<ErrorBody, BodyError> {
        body::parse(body)
    }
}

/// The start of a body that is not JSON, as text for the message-word heuristic.
#[cfg(feature = "json")]
fn plain_text(body: &[u8]) -> Option<String> {
    const MAX: usize = 512;
    let head = &body[..body.len().min(MAX)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim();
    // A body that is mostly control bytes is binary, not a message.
    let printable = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).count();
    (!text.is_empty()
        && printable * 10 >= text.chars().count() * 9
        && !text.starts_with(['{', '[']))
    .then(|| text.to_owned())
}

fn decide<H: Headers + ?Sized>(
    status: Option<u16>,
    headers: &H,
    body: Result<ErrorBody, (BodyError, Option<String>)>,
) -> Diagnosis {
    let mut d = Diagnosis::unknown(status);
    d.rate_limit = headers.header(header::RATELIMIT_LIMIT).and_then(|v| v.trim().parse().ok());
    let body = match body {
        Ok(body) => body,
        Err((error, text)) => {
            d.parse_error = Some(error.to_string());
            d.message = text;
            return finish_without_code(d, headers);
        }
    };
    d.log_id = body.log_id.clone();
    d.troubleshooter = body.troubleshooter;
    d.field_violations = body.field_violations;
    d.permission_violations = body.permission_violations;
    d.helps = body.helps;
    d.message = body.msg.or(body.error_message);
    let Some(mut code) = body.code else { return finish_without_code(d, headers) };
    if code == 0 {
        d.code = Some(0);
        d.basis = Basis::Success;
        return finish(d, headers);
    }
    let msg = d.message.clone().unwrap_or_default();
    let mut live = msg.as_str();
    let mut basis = Basis::Catalog;
    if documented(code).is_none() {
        if let Some((inner, inner_msg)) = wrapped_code(&msg) {
            code = inner;
            live = inner_msg;
            basis = Basis::Wrapped;
        }
    }
    d.code = Some(code);
    if let Some(r) = documented(code).and_then(|c| catalog::resolve_match(c, live)) {
        d.known = true;
        d.basis = basis;
        d.entry = Some(r.entry);
        d.match_quality = r.quality;
        d.values = r.values.iter().map(|v| (*v).to_owned()).collect();
        d.category = Some(r.entry.category());
        d.action = Some(r.entry.action());
        d.token = r.entry.token();
    } else if let Some((category, action)) = classify_violations(&d) {
        d.basis = Basis::Violations;
        (d.category, d.action) = (Some(category), Some(action));
    } else if let Some((category, action)) = classify_message(live) {
        d.basis = Basis::MessageWords;
        (d.category, d.action) = (Some(category), Some(action));
    } else if let Some((category, action)) = status.and_then(classify_status) {
        d.basis = Basis::HttpStatus;
        (d.category, d.action) = (Some(category), Some(action));
    }
    d.missing_scopes = missing_scopes(&d.permission_violations, &msg);
    finish(d, headers)
}

/// A body without a usable code: success for 2xx, else words of a plain-text body, else
/// the status.
fn finish_without_code<H: Headers + ?Sized>(mut d: Diagnosis, headers: &H) -> Diagnosis {
    match d.http_status {
        Some(200..=299) => d.basis = Basis::Success,
        status => {
            let decided = d
                .message
                .as_deref()
                .and_then(classify_message)
                .map(|ca| (Basis::MessageWords, ca))
                .or_else(|| status.and_then(classify_status).map(|ca| (Basis::HttpStatus, ca)));
            if let Some((basis, (category, action))) = decided {
                d.basis = basis;
                (d.category, d.action) = (Some(category), Some(action));
            }
        }
    }
    finish(d, headers)
}

fn finish<H: Headers + ?Sized>(mut d: Diagnosis, headers: &H) -> Diagnosis {
    d.retryable = d.action.is_some_and(Action::is_retryable);
    if d.log_id.is_none() {
        d.log_id = headers
            .header(header::LOG_ID)
            .or_else(|| headers.header(header::REQUEST_ID))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
    }
    // A wait only makes sense for something worth retrying; a token refresh is not a
    // wait.
    if d.retryable && d.action != Some(Action::RefreshToken) {
        d.retry_after_secs = headers
            .header(header::RATELIMIT_RESET)
            .or_else(|| headers.header(header::RETRY_AFTER))
            .and_then(|v| v.trim().parse().ok());
    }
    d
}

fn documented(code: i64) -> Option<u32> {
    u32::try_from(code).ok().filter(|&c| catalog::is_documented(c))
}

/// A documented code embedded in an envelope's message, and the text after it:
/// `code: 99991679, msg: ...`, `code=99991663 ...`, `"code":99991400`, `[1254018] ...`.
/// An undocumented embedded code is also returned, so the diagnosis names it.
///
/// ```
/// use lark_errors::diagnose::wrapped_code;
/// assert_eq!(
///     wrapped_code("lark error: code: 99991679, msg: Unauthorized"),
///     Some((99991679, "Unauthorized"))
/// );
/// assert_eq!(wrapped_code("[1254018] InvalidParameter"), Some((1254018, "InvalidParameter")));
/// assert_eq!(wrapped_code("plain failure"), None);
/// ```
pub fn wrapped_code(msg: &str) -> Option<(i64, &str)> {
    let bytes = msg.as_bytes();
    // `code` followed by `:` `=` or `":`, then digits.
    let mut from = 0;
    while let Some(at) = crate::template::find_ascii_ci(&bytes[from..], b"code") {
        let start = from + at;
        from = start + 4;
        let before_ok = start == 0 || !is_ident(bytes[start - 1]);
        if !before_ok {
            continue;
        }
        let mut i = start + 4;
        if bytes.get(i) == Some(&b'"') {
            i += 1;
        }
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
        if !matches!(bytes.get(i), Some(b':' | b'=')) {
            continue;
        }
        i += 1;
        while matches!(bytes.get(i), Some(b' ' | b'"')) {
            i += 1;
        }
        if let Some((code, end)) = digits(bytes, i) {
            return Some((code, rest_after_code(msg, end)));
        }
    }
    // `[1254018] message`
    let open = msg.find('[')?;
    let (code, end) = digits(bytes, open + 1)?;
    (bytes.get(end) == Some(&b']')).then(|| (code, msg[end + 1..].trim()))
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A run of 3 to 10 digits at `i` (a Feishu code), and where it ends.
fn digits(bytes: &[u8], i: usize) -> Option<(i64, usize)> {
    let len = bytes.get(i..)?.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(3..=10).contains(&len) || bytes.get(i + len).is_some_and(|b| is_ident(*b)) {
        return None;
    }
    let text = std::str::from_utf8(&bytes[i..i + len]).ok()?;
    Some((text.parse().ok()?, i + len))
}

/// The message after an embedded code: after `msg:` / `msg=` if present, else the rest.
fn rest_after_code(msg: &str, end: usize) -> &str {
    let rest = msg[end..].trim_start_matches(['"', ',', ' ', ';']);
    for key in ["msg", "message"] {
        let bytes = rest.as_bytes();
        if bytes.len() >= key.len() && bytes[..key.len()].eq_ignore_ascii_case(key.as_bytes()) {
            let value = rest[key.len()..].trim_start_matches(['"', ' ']);
            if let Some(v) = value.strip_prefix([':', '=']) {
                return v.trim().trim_matches('"').trim();
            }
        }
    }
    rest.trim()
}

fn classify_violations(d: &Diagnosis) -> Option<(Category, Action)> {
    if !d.permission_violations.is_empty() {
        return Some((Category::Permission, Action::RequestScope));
    }
    if !d.field_violations.is_empty() {
        return Some((Category::InvalidRequest, Action::FixRequest));
    }
    None
}

/// Words in a message, checked in order; the first group that matches decides.
const MESSAGE_WORDS: &[(&[&str], Category, Action)] = &[
    (
        &[
            "frequency limit",
            "too many request",
            "toomanyrequest",
            "rate limit",
            "ratelimit",
            "频率",
            "限流",
            "too frequent",
        ],
        Category::RateLimited,
        Action::WaitAndRetry,
    ),
    (
        &["quota", "limit exceeded", "exceeds the limit", "超出", "超过上限"],
        Category::QuotaExceeded,
        Action::AskAdmin,
    ),
    (
        &[
            "token expired",
            "token invalid",
            "invalid token",
            "invalid access token",
            "token is invalid",
            "token expire",
        ],
        Category::Authentication,
        Action::RefreshToken,
    ),
    (
        &["scope", "permission", "denied", "forbidden", "no auth", "unauthorized", "权限", "无权"],
        Category::Permission,
        Action::AskAdmin,
    ),
    (
        &[
            "not exist",
            "not found",
            "notexist",
            "notfound",
            "does not exist",
            "no such",
            "deleted",
            "不存在",
            "已删除",
        ],
        Category::NotFound,
        Action::FixRequest,
    ),
    (
        &["already exist", "alreadyexist", "duplicate", "conflict", "已存在", "重复"],
        Category::Conflict,
        Action::FixRequest,
    ),
    (
        &["not support", "notsupport", "unsupported", "不支持"],
        Category::Unsupported,
        Action::FixRequest,
    ),
    (
        &[
            "timeout",
            "timed out",
            "busy",
            "try again",
            "retry later",
            "unavailable",
            "稍后",
            "超时",
            "繁忙",
        ],
        Category::Unavailable,
        Action::Retry,
    ),
    (
        &["internal", "system error", "server error", "内部错误", "系统错误"],
        Category::Internal,
        Action::Retry,
    ),
    (
        &[
            "invalid",
            "illegal",
            "param",
            "required",
            "missing",
            "malformed",
            "bad request",
            "参数",
            "非法",
            "格式",
        ],
        Category::InvalidRequest,
        Action::FixRequest,
    ),
];

/// The category and action a message's words suggest, for codes outside the catalog;
/// `None` when no known word occurs. Matching is ASCII-case-insensitive.
///
/// ```
/// use lark_errors::diagnose::classify_message;
/// use lark_errors::{Action, Category};
///
/// assert_eq!(classify_message("Too Many Requests"), Some((Category::RateLimited, Action::WaitAndRetry)));
/// assert_eq!(classify_message("记录不存在"), Some((Category::NotFound, Action::FixRequest)));
/// assert_eq!(classify_message("BaseTokenNotFound"), Some((Category::NotFound, Action::FixRequest)));
/// assert_eq!(classify_message("ok"), None);
/// ```
pub fn classify_message(msg: &str) -> Option<(Category, Action)> {
    let msg = crate::template::truncate(msg, crate::template::MAX_MATCH_LEN);
    MESSAGE_WORDS.iter().find_map(|(words, category, action)| {
        words
            .iter()
            .any(|w| crate::template::find_ascii_ci(msg.as_bytes(), w.as_bytes()).is_some())
            .then_some((*category, *action))
    })
}

/// The category and action an HTTP error status suggests; `None` for success and
/// statuses that say nothing.
///
/// ```
/// use lark_errors::diagnose::classify_status;
/// use lark_errors::{Action, Category};
/// assert_eq!(classify_status(503), Some((Category::Unavailable, Action::Retry)));
/// assert_eq!(classify_status(200), None);
/// ```
pub fn classify_status(status: u16) -> Option<(Category, Action)> {
    Some(match status {
        429 => (Category::RateLimited, Action::WaitAndRetry),
        401 => (Category::Authentication, Action::RefreshToken),
        403 => (Category::Permission, Action::AskAdmin),
        404 | 410 => (Category::NotFound, Action::FixRequest),
        409 => (Category::Conflict, Action::RetrySerially),
        408 => (Category::Unavailable, Action::Retry),
        413 | 414 | 431 => (Category::InvalidRequest, Action::FixRequest),
        405 | 415 | 422 | 400 => (Category::InvalidRequest, Action::FixRequest),
        501 => (Category::Unsupported, Action::FixRequest),
        502..=504 => (Category::Unavailable, Action::Retry),
        500 | 505..=599 => (Category::Internal, Action::Retry),
        400..=499 => (Category::InvalidRequest, Action::FixRequest),
        _ => return None,
    })
}

/// Scopes named by permission violations and by a bracketed list in the message,
/// deduplicated in order of appearance.
fn missing_scopes(violations: &[PermissionViolation], msg: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    };
    for v in violations {
        if let Some(subject) = &v.subject {
            push(subject);
        }
    }
    let msg = crate::template::truncate(msg, crate::template::MAX_MATCH_LEN);
    let mut rest = msg;
    while let Some(open) = rest.find(['[', '［']) {
        let after = &rest[open + rest[open..].chars().next().map_or(1, char::len_utf8)..];
        let Some(close) = after.find([']', '］']) else { break };
        let inside = &after[..close];
        let items: Vec<&str> = inside.split([',', '，', ' ']).filter(|s| !s.is_empty()).collect();
        if !items.is_empty() && items.iter().all(|s| is_scope(s)) {
            items.into_iter().for_each(&mut push);
        }
        rest = &after[close..];
    }
    out
}

/// A scope name: `bitable:app`, `contact:user.id:readonly`.
fn is_scope(s: &str) -> bool {
    s.contains(':')
        && !s.contains("://")
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-'))
}

#[cfg(feature = "serde")]
mod serde_impls {
    use serde::Serialize;
    use serde::ser::{SerializeStruct, Serializer};

    use super::{Basis, Diagnosis};

    impl Serialize for Basis {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    impl Serialize for Diagnosis {
        /// The diagnosis object of DESIGN.md, in its order, then `match_quality`,
        /// `values`, `rate_limit`, `permission_violations`, `helps` and `parse_error`.
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut s = serializer.serialize_struct("Diagnosis", 21)?;
            s.serialize_field("code", &self.code)?;
            s.serialize_field("message", &self.message)?;
            s.serialize_field("known", &self.known)?;
            s.serialize_field("basis", &self.basis)?;
            s.serialize_field("entry", &self.entry)?;
            s.serialize_field("category", &self.category)?;
            s.serialize_field("action", &self.action)?;
            s.serialize_field("retryable", &self.retryable)?;
            s.serialize_field("retry_after_secs", &self.retry_after_secs)?;
            s.serialize_field("token", &self.token)?;
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
            s.end()
        }
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::*;

    fn d(status: Option<u16>, body: &str) -> Diagnosis {
        diagnose(status, &NoHeaders, body.as_bytes())
    }

    #[test]
    fn code_as_string_and_success() {
        assert_eq!(d(None, r#"{"code":"99991663","msg":"x"}"#).code, Some(99991663));
        assert!(d(Some(200), r#"{"code":0,"msg":"success"}"#).is_success());
        assert!(d(Some(200), r#"{"code":"0"}"#).is_success());
        assert!(d(Some(200), "binary\u{1}\u{2}").is_success());
    }

    #[test]
    fn scopes_from_msg_and_violations_are_deduplicated() {
        let body = r#"{"code":99991672,"msg":"Access denied. One of the following scopes is required: [bitable:app, docx:document]. 应用尚未开通所需的应用身份权限：[bitable:app]","error":{"permission_violations":[{"type":"action_scope_required","subject":"base:app:read"},{"subject":"bitable:app"}]}}"#;
        assert_eq!(
            d(Some(400), body).missing_scopes,
            ["base:app:read", "bitable:app", "docx:document"]
        );
    }

    #[test]
    fn wrapped_codes() {
        let x = d(
            Some(200),
            r#"{"code":-1,"msg":"feishu api failed: code: 99991679, msg: Unauthorized. required user scope"}"#,
        );
        assert_eq!((x.code, x.basis, x.known), (Some(99991679), Basis::Wrapped, true));
        let x = d(None, r#"{"code":-1,"msg":"[1254018] InvalidParameter"}"#);
        assert_eq!((x.code, x.basis, x.known), (Some(1254018), Basis::MessageWords, false));
        assert_eq!(x.category, Some(Category::InvalidRequest));
        // A documented envelope code is never replaced.
        let x = d(None, r#"{"code":1500,"msg":"upstream said code: 99991663"}"#);
        assert_eq!(x.code, Some(1500));
    }

    #[test]
    fn unreadable_bodies_fall_back_to_status() {
        for body in ["", "   ", "{", r#"{"code":}"#, "[1,2]", r#"{"code":true}"#, r#"{"msg":"x"}"#]
        {
            let x = d(Some(502), body);
            assert!(x.parse_error.is_some(), "{body:?}");
            assert_eq!(x.category, Some(Category::Unavailable), "{body:?}");
        }
        let x = d(None, r#"{"code":123456789012345678901234567890,"msg":"x"}"#);
        assert!(x.parse_error.unwrap().contains("not an integer"));
        let deep = "[".repeat(100_000);
        assert!(d(None, &deep).parse_error.is_some());
    }

    #[test]
    fn log_id_precedence() {
        let h = [("X-Request-Id", "R"), ("X-Tt-Logid", "H")];
        let body = br#"{"code":1500,"msg":"internal error"}"#;
        assert_eq!(diagnose(None, &h[..], body).log_id.as_deref(), Some("H"));
        let body = br#"{"code":1500,"msg":"internal error","error":{"log_id":"B"}}"#;
        assert_eq!(diagnose(None, &h[..], body).log_id.as_deref(), Some("B"));
        let h = [("x-request-id", "R")];
        assert_eq!(diagnose(None, &h[..], br#"{"code":1}"#).log_id.as_deref(), Some("R"));
    }

    #[test]
    fn retry_after_only_when_retryable() {
        let h = [("x-ogw-ratelimit-reset", "7"), ("x-ogw-ratelimit-limit", "100")];
        let x = diagnose(Some(400), &h[..], br#"{"code":99991672,"msg":"Access denied"}"#);
        assert_eq!((x.retry_after_secs, x.rate_limit), (None, Some(100)));
        let x = diagnose(
            Some(429),
            &h[..],
            br#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
        );
        assert_eq!(x.retry_after_secs, Some(7));
    }
}
