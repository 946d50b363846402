//! The mock server's configuration: apps, tokens, rate limit and fault rules.
//!
//! Read from TOML or JSON ([`Config::from_file`] picks by extension: `.json` is JSON,
//! anything else TOML). Every field is optional; [`Config::default`] is one app
//! (`cli_mock` / `mock_secret`), tokens valid for 7200 s, the documented rate limits,
//! no faults.
//! Unknown fields are errors, so a typo does not silently disable a rule.
//!
//! ```toml
//! seed = 42                      # seeds fault probabilities and issued token strings
//! rate_limits = "documented"     # every API limited per app by its documented tier
//!                                # (every window at once); "off": none
//!
//! [[apps]]
//! app_id = "cli_mock"
//! app_secret = "mock_secret"
//! # disabled = true             # token requests then get 10014 "app unauthorized"
//!
//! [tokens]
//! ttl_secs = 7200                # how long an issued token is accepted
//! # expire_secs = 7200           # the `expire` told to clients (default: ttl_secs)
//! require = true                 # business endpoints need `Authorization: Bearer ...`
//!
//! [[api_limits]]                 # replaces the tier of the APIs it names
//! api = "POST /open-apis/im/v1/messages"   # or a path pattern: "/open-apis/im/v1/*"
//! per_second = 5                 # per_minute, per_hour, per_day too; none: unlimited
//!
//! # [rate_limit]                 # one window for every API instead of the tiers
//! # requests = 50                # requests per window, per app and API
//! # window_secs = 1
//!
//! [[users]]                      # users who authorised an app (OAuth refresh)
//! app_id = "cli_mock"            # the app they authorised (default: cli_mock)
//! refresh_token = "ur-alice"     # the refresh token the client starts with
//! # scope = "offline_access"     # the `scope` answered
//! # access_ttl_secs = 7200       # life of each user_access_token (then 99991677)
//! # refresh_ttl_secs = 604800    # life of each refresh token (then 20037)
//! # revoked = true               # the starting refresh token was revoked: 20064
//! # expired = true               # the starting refresh token has expired: 20037
//! # access_token = "u-alice"     # a user_access_token the client starts with
//! # access_expired = true        # ... already expired (99991677): refresh first
//!
//! [server]
//! # header_read_timeout_secs = 10  # a client must send its headers within this
//! # max_body_bytes = 2097152       # larger bodies get 90227 (TooLargeRequest)
//! # max_paths = 1000               # distinct paths counted one by one in the stats
//!
//! [[faults]]                     # the first rule that fires answers the request
//! api = "POST /open-apis/im/v1/messages"   # the API (template or concrete path)
//! code = 230099                  # a code the API's page documents, or a generic one
//! # sub_code = 11310             # a row of the code's sub-code table
//! # message = "internal error"  # choose among the entries of a duplicated code
//! # values = ["10.0.0.1"]        # placeholder values, in order (default "mock")
//! # status = 500                 # HTTP status (default: the entry's known one, else 400)
//! # scopes = ["im:message"]      # missing scopes (default: the API's documented ones)
//! # nth = 3                      # fire on the 3rd matching request only
//! # probability = 0.25           # fire with this probability (seeded generator)
//! # times = 2                    # fire at most this many times
//! # limit = 50                   # 99991400 only: x-ogw-ratelimit-limit (default: the
//! #                              # API's shortest window, else rate_limit, else 50)
//! # reset_secs = 1               # 99991400 only: x-ogw-ratelimit-reset (default: the
//! #                              # seconds left in that window)
//!
//! [[faults]]                     # or a path pattern: each request is still routed to
//! method = "GET"                 # its API (optional: any method when absent)
//! path = "/open-apis/im/v1/*"    # `*` matches any run of characters, `/` included
//! code = 1500                    # the routed API's entry of the code, else the generic one
//! probability = 0.1
//! ```
//!
//! Durations (`ttl_secs`, `expire_secs`, `window_secs`, the users' lifetimes, the header
//! timeout) are at most [`MAX_SECS`] (ten years), so time arithmetic cannot overflow; a
//! fault `status` must be a final response that may carry a body (200-599 except 204,
//! 205 and 304), since the error is in the body. A configuration file is at most
//! [`MAX_CONFIG_BYTES`].
//!
//! ```
//! let config = lark_errors_mock::Config::from_toml_str(r#"
//!     [rate_limit]
//!     requests = 2
//!     window_secs = 1
//!     [[faults]]
//!     path = "/open-apis/contact/v3/*"
//!     code = 99991672
//!     scopes = ["contact:user.base:readonly"]
//! "#).unwrap();
//! assert_eq!(config.apps[0].app_id, "cli_mock");
//! assert_eq!(config.faults[0].code, 99991672);
//! ```

use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use lark_errors::Entry;
use lark_errors::catalog::{Api, Method, RateLimit};
use serde::{Deserialize, Serialize};

/// Everything the mock server can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Seed of the generator behind fault probabilities and token strings.
    pub seed: u64,
    /// The apps that may fetch tokens.
    pub apps: Vec<AppConfig>,
    /// How tokens are issued and checked.
    pub tokens: TokenConfig,
    /// Whether every API is limited by its documented tier (the default), per app and
    /// API, every window of the tier at once.
    pub rate_limits: RateLimits,
    /// One window for every API instead of the documented tiers, per app and API;
    /// `None`: the tiers (see [`Config::rate_limits`]).
    pub rate_limit: Option<RateLimitConfig>,
    /// Per-API limits replacing the tier of the APIs they name (the first that names an
    /// API wins).
    pub api_limits: Vec<ApiLimit>,
    /// Fault rules, in order: the first that fires answers the request.
    pub faults: Vec<FaultRule>,
    /// Users whose refresh tokens the OAuth token endpoint accepts.
    pub users: Vec<UserConfig>,
    /// Limits of the HTTP server itself.
    pub server: ServerConfig,
}

/// The longest duration a configuration may give, in seconds: ten years.
pub const MAX_SECS: u64 = 10 * 365 * 86_400;

/// The largest configuration file [`Config::from_file`] reads: 1 MiB.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 0,
            apps: vec![AppConfig::default()],
            tokens: TokenConfig::default(),
            rate_limits: RateLimits::Documented,
            rate_limit: None,
            api_limits: Vec::new(),
            faults: Vec::new(),
            users: Vec::new(),
            server: ServerConfig::default(),
        }
    }
}

/// A user who authorised an app: the OAuth token endpoint
/// (`POST /open-apis/authen/v2/oauth/token`, `grant_type=refresh_token`) exchanges their
/// refresh token for a user_access_token (`u-...`) and a new refresh token (`ur-...`).
///
/// Refresh tokens are single-use: the one exchanged is spent (20073 when sent again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct UserConfig {
    /// The app the user authorised (one of `apps`).
    pub app_id: String,
    /// The refresh token the client starts with.
    pub refresh_token: String,
    /// The `scope` answered with each token.
    pub scope: String,
    /// Seconds each user_access_token is accepted (then 99991677).
    pub access_ttl_secs: u64,
    /// Seconds each refresh token can be exchanged (then 20037).
    pub refresh_ttl_secs: u64,
    /// The starting refresh token was revoked (20064).
    pub revoked: bool,
    /// The starting refresh token has expired (20037).
    pub expired: bool,
    /// A user_access_token the client starts with (as if handed out by an earlier
    /// sign-in), accepted for `access_ttl_secs` from the start unless `access_expired`.
    pub access_token: Option<String>,
    /// The starting `access_token` is already past its life: business endpoints answer
    /// it with 99991677, so the client has to refresh.
    pub access_expired: bool,
}

impl Default for UserConfig {
    /// A user of `cli_mock` with refresh token `ur-mock`, tokens of 7200 s and 7 days.
    fn default() -> UserConfig {
        UserConfig {
            app_id: AppConfig::default().app_id,
            refresh_token: "ur-mock".to_owned(),
            scope: "offline_access".to_owned(),
            access_ttl_secs: 7200,
            refresh_ttl_secs: 7 * 86_400,
            revoked: false,
            expired: false,
            access_token: None,
            access_expired: false,
        }
    }
}

impl UserConfig {
    /// A user of the default app starting with `refresh_token`.
    ///
    /// ```
    /// let user = lark_errors_mock::UserConfig::new("ur-alice");
    /// assert_eq!(user.app_id, "cli_mock");
    /// ```
    pub fn new(refresh_token: impl Into<String>) -> UserConfig {
        UserConfig { refresh_token: refresh_token.into(), ..UserConfig::default() }
    }
}

/// Limits of the HTTP server: slow clients, large bodies, many paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Seconds a client has to send a request's headers; then the connection is closed.
    pub header_read_timeout_secs: u64,
    /// The largest request body read; a larger one is answered with 90227
    /// (TooLargeRequest), HTTP 413, in the platform's JSON shape.
    pub max_body_bytes: u64,
    /// How many distinct paths the stats count one by one; requests to further paths
    /// are counted together (`other_paths`, with `paths_capped: true`).
    pub max_paths: usize,
}

impl Default for ServerConfig {
    /// 10 s for headers, 2 MiB bodies, 1000 paths.
    fn default() -> ServerConfig {
        ServerConfig { header_read_timeout_secs: 10, max_body_bytes: 2 << 20, max_paths: 1000 }
    }
}

/// An app registered with the mock: its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppConfig {
    /// The app id, `cli_...` on the real platform.
    pub app_id: String,
    /// The app secret.
    pub app_secret: String,
    /// A disabled app is refused tokens with 10014 (app unauthorized).
    pub disabled: bool,
}

impl Default for AppConfig {
    /// `cli_mock` / `mock_secret`, enabled.
    fn default() -> AppConfig {
        AppConfig {
            app_id: "cli_mock".to_owned(),
            app_secret: "mock_secret".to_owned(),
            disabled: false,
        }
    }
}

/// How tokens are issued and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenConfig {
    /// Seconds an issued token is accepted.
    pub ttl_secs: u64,
    /// The `expire` reported to clients, in seconds; defaults to `ttl_secs`. Reporting
    /// more than the real TTL models a client holding a stale token (the platform can
    /// invalidate tokens early, for example when the app secret is reset).
    pub expire_secs: Option<u64>,
    /// Whether business endpoints require a valid `Authorization: Bearer` token.
    pub require: bool,
}

impl Default for TokenConfig {
    /// Tokens valid for 7200 s (the platform's value), required.
    fn default() -> TokenConfig {
        TokenConfig { ttl_secs: 7200, expire_secs: None, require: true }
    }
}

/// Whether the documented rate-limit tiers apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RateLimits {
    /// Each API is limited per app by the tier its page documents (接口频率限制), every
    /// window at once (1000/min *and* 50/s); "special" tiers and APIs without one are not
    /// limited.
    #[default]
    Documented,
    /// No API is limited but by `rate_limit` and `api_limits`.
    Off,
}

/// The limit of the APIs one entry names, replacing their documented tier: every window
/// given applies at once; none given: the APIs are not limited.
///
/// ```
/// let c = lark_errors_mock::Config::from_toml_str(r#"
///     [[api_limits]]
///     api = "GET /open-apis/im/v1/chats"
///     per_second = 5
///     per_minute = 100
/// "#).unwrap();
/// assert_eq!(c.api_limits[0].per_second, Some(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ApiLimit {
    /// The API: `METHOD /open-apis/...` (a template or a concrete path), or a path pattern
    /// (`*` any run of characters) matched against the templates of every API.
    pub api: String,
    /// Requests per second.
    #[serde(default)]
    pub per_second: Option<u32>,
    /// Requests per minute.
    #[serde(default)]
    pub per_minute: Option<u32>,
    /// Requests per hour.
    #[serde(default)]
    pub per_hour: Option<u32>,
    /// Requests per day.
    #[serde(default)]
    pub per_day: Option<u32>,
}

impl ApiLimit {
    /// A limit of `per_second` requests a second for `api`.
    pub fn per_second(api: impl Into<String>, per_second: u32) -> ApiLimit {
        ApiLimit {
            api: api.into(),
            per_second: Some(per_second),
            per_minute: None,
            per_hour: None,
            per_day: None,
        }
    }

    /// The tier this entry gives its APIs, as the library builds one; `None` (no window
    /// given): not limited.
    ///
    /// ```
    /// let limit = lark_errors_mock::ApiLimit::per_second("GET /open-apis/im/v1/chats", 5);
    /// assert_eq!(limit.tier().unwrap().to_string(), "5/s");
    /// ```
    pub fn tier(&self) -> Option<RateLimit> {
        RateLimit::from_windows(self.per_second, self.per_minute, self.per_hour, self.per_day)
    }

    /// The APIs this entry names (validated: at least one).
    pub(crate) fn apis(&self) -> Vec<&'static Api> {
        match parse_api(&self.api) {
            Ok(Some(api)) => vec![api],
            Ok(None) => lark_errors::apis()
                .iter()
                .filter(|a| glob_match(self.api.as_bytes(), a.path().as_bytes()))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// `METHOD /path` (a template or a concrete path) names one API: `Ok(Some)`; a string
/// without a method is a pattern: `Ok(None)`; a method and a path no API has: `Err`.
pub(crate) fn parse_api(text: &str) -> Result<Option<&'static Api>, String> {
    let text = text.trim();
    let Some((method, path)) = text.split_once(' ') else {
        return Ok(None);
    };
    let method: Method = method.parse().map_err(|e| format!("{text:?}: {e}"))?;
    let path = path.trim();
    // A template routes to itself (`:name` segments take the parameter branch).
    match lark_errors::route(method, path) {
        Some(api) => Ok(Some(api)),
        None => Err(format!("{text:?} is not a documented API")),
    }
}

/// A fixed-window rate limit for every API, per app and API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Requests allowed per window (sent as `x-ogw-ratelimit-limit`).
    pub requests: u64,
    /// The window's length in seconds.
    #[serde(default = "one")]
    pub window_secs: u64,
}

fn one() -> u64 {
    1
}

/// A fault rule: which requests get which documented error.
///
/// A rule counts the requests it matches (method and path). It fires on the `nth` of
/// them if `nth` is set; else with `probability` if that is set; else on every one; and
/// never more than `times` times. The first rule that fires answers the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// The API the rule answers for: `METHOD /open-apis/...` (its template or a concrete
    /// path); the body, HTTP status and message then come from that API's entry of
    /// `code`. When set, `method` and `path` are not used.
    #[serde(default)]
    pub api: Option<String>,
    /// HTTP method to match (case-insensitive); any method when `None`.
    #[serde(default)]
    pub method: Option<String>,
    /// Path pattern; `*` matches any run of characters. Defaults to `*`.
    #[serde(default = "any_path")]
    pub path: String,
    /// The documented error code to answer with (the body's `code`).
    pub code: u32,
    /// A row of `code`'s sub-code table (e.g. 11310 under 230099): the body's `code` is
    /// still `code`, its `msg` the sub-code's (`..., ext=ErrCode: 11310; ErrMsg: ...`).
    #[serde(default)]
    pub sub_code: Option<u32>,
    /// For a code documented more than once, the message that picks the entry.
    #[serde(default)]
    pub message: Option<String>,
    /// Placeholder values of the message, in order; missing ones are `mock`.
    #[serde(default)]
    pub values: Vec<String>,
    /// HTTP status; defaults to the entry's known status, else 400.
    #[serde(default)]
    pub status: Option<u16>,
    /// Missing scopes, sent as `error.permission_violations` and listed in the message;
    /// for a scope error (an entry whose action is `request_scope`) without any, the
    /// API's documented scopes ([`Api::scopes`]), else `mock:scope`.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Fire only on this matching request (1-based).
    #[serde(default)]
    pub nth: Option<u64>,
    /// Fire with this probability, drawn from the seeded generator.
    #[serde(default)]
    pub probability: Option<f64>,
    /// Fire at most this many times.
    #[serde(default)]
    pub times: Option<u64>,
    /// For 99991400: the `x-ogw-ratelimit-limit` sent (default: the limit of the
    /// API's shortest window in force, else `rate_limit.requests`, else 50).
    #[serde(default)]
    pub limit: Option<u64>,
    /// For 99991400: the `x-ogw-ratelimit-reset` sent, in seconds (default: the seconds
    /// left in that window for the requesting app, else 1).
    #[serde(default)]
    pub reset_secs: Option<u64>,
}

fn any_path() -> String {
    "*".to_owned()
}

impl FaultRule {
    /// A rule answering every request to `path` (any method) with `code`.
    ///
    /// ```
    /// let rule = lark_errors_mock::FaultRule::new("/open-apis/*", 1500).method("GET").nth(2);
    /// assert_eq!(rule.nth, Some(2));
    /// ```
    pub fn new(path: impl Into<String>, code: u32) -> FaultRule {
        FaultRule {
            api: None,
            method: None,
            path: path.into(),
            code,
            sub_code: None,
            message: None,
            values: Vec::new(),
            status: None,
            scopes: Vec::new(),
            nth: None,
            probability: None,
            times: None,
            limit: None,
            reset_secs: None,
        }
    }

    /// A rule answering every request to `api` (`METHOD /open-apis/...`) with `code`, as
    /// that API's page documents it.
    ///
    /// ```
    /// let rule = lark_errors_mock::FaultRule::api("POST /open-apis/im/v1/messages", 230099).sub_code(11310);
    /// assert_eq!(rule.sub_code, Some(11310));
    /// ```
    pub fn api(api: impl Into<String>, code: u32) -> FaultRule {
        FaultRule { api: Some(api.into()), ..FaultRule::new("*", code) }
    }

    /// Answer with this row of `code`'s sub-code table.
    pub fn sub_code(mut self, sub_code: u32) -> FaultRule {
        self.sub_code = Some(sub_code);
        self
    }

    /// Only requests with this method.
    pub fn method(mut self, method: impl Into<String>) -> FaultRule {
        self.method = Some(method.into());
        self
    }

    /// Only the `n`th matching request (1-based).
    pub fn nth(mut self, n: u64) -> FaultRule {
        self.nth = Some(n);
        self
    }

    /// At most `n` times.
    pub fn times(mut self, n: u64) -> FaultRule {
        self.times = Some(n);
        self
    }

    /// With probability `p`.
    pub fn probability(mut self, p: f64) -> FaultRule {
        self.probability = Some(p);
        self
    }

    /// These scopes are missing.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> FaultRule {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the rule's method and path match a request (rules without `api`).
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && glob_match(self.path.as_bytes(), path.as_bytes())
    }

    /// The catalog entry the rule answers with for a request to `api`, as the library
    /// resolves `code` there ([`lark_errors::resolve_with`]): the API's own entry of
    /// `code`, else the generic one, else the code's most documented meaning across API
    /// pages; `message` picks among several.
    pub(crate) fn entry(&self, api: Option<&'static Api>) -> Option<&'static Entry> {
        let msg = self.message.as_deref().unwrap_or("");
        lark_errors::resolve_with(self.code, msg, api).map(|r| r.entry)
    }

    /// The row of the sub-code table the rule answers with, if it names one: the API's
    /// own row first, else any page's.
    pub(crate) fn sub_entry(&self, api: Option<&'static Api>) -> Option<&'static Entry> {
        let sub = self.sub_code?;
        let under = |e: &&'static Entry| e.parent_code() == Some(self.code);
        api.and_then(|a| a.lookup(sub).iter().copied().find(under))
            .or_else(|| lark_errors::catalog::lookup_apis(sub).iter().find(under))
    }
}

/// `*` matches any run of bytes (including `/`); everything else matches itself.
pub(crate) fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative with one backtrack point: linear enough for paths, no recursion.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// Why a configuration could not be loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// The text is not valid TOML or JSON for a [`Config`].
    Parse {
        /// `toml` or `json`.
        format: &'static str,
        /// The parser's message (with line and column).
        message: String,
    },
    /// The configuration parsed but says something impossible.
    Invalid(String),
    /// The file is larger than [`MAX_CONFIG_BYTES`].
    TooLarge {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            ConfigError::Parse { format, message } => {
                write!(f, "invalid {format} mock configuration: {}", message.trim_end())
            }
            ConfigError::Invalid(why) => write!(f, "invalid mock configuration: {why}"),
            ConfigError::TooLarge { path } => write!(
                f,
                "{} is larger than {} KiB: not a mock configuration",
                path.display(),
                MAX_CONFIG_BYTES / 1024
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Config {
    /// Reads a configuration file: JSON when the name ends in `.json`, else TOML. At most
    /// [`MAX_CONFIG_BYTES`] are read (`/dev/zero` is an error, not a hang).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let io = |source| ConfigError::Io { path: path.to_owned(), source };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
            .map_err(io)?;
        if bytes.len() as u64 > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLarge { path: path.to_owned() });
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            io(std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
        })?;
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            Config::from_json_str(&text)
        } else {
            Config::from_toml_str(&text)
        }
    }

    /// Parses and validates TOML.
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { format: "toml", message: e.to_string() })?;
        config.validate()?;
        Ok(config)
    }

    /// Parses and validates JSON (the same fields as the TOML form).
    ///
    /// ```
    /// let c = lark_errors_mock::Config::from_json_str(
    ///     r#"{"tokens": {"ttl_secs": 1}, "faults": [{"path": "*", "code": 1500, "nth": 2}]}"#,
    /// ).unwrap();
    /// assert_eq!(c.tokens.ttl_secs, 1);
    /// ```
    pub fn from_json_str(text: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_json::from_str(text)
            .map_err(|e| ConfigError::Parse { format: "json", message: e.to_string() })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types cannot: documented codes, probabilities, positive counts.
    ///
    /// ```
    /// let mut c = lark_errors_mock::Config::default();
    /// c.faults.push(lark_errors_mock::FaultRule::new("*", 12345));
    /// assert!(c.validate().unwrap_err().to_string().contains("12345"));
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |why: String| Err(ConfigError::Invalid(why));
        let duration = |name: &str, secs: u64| -> Result<(), ConfigError> {
            if secs == 0 || secs > MAX_SECS {
                return Err(ConfigError::Invalid(format!(
                    "{name} = {secs} is not between 1 and {MAX_SECS} seconds (ten years)"
                )));
            }
            Ok(())
        };
        duration("tokens.ttl_secs", self.tokens.ttl_secs)?;
        if let Some(expire) = self.tokens.expire_secs {
            duration("tokens.expire_secs", expire)?;
        }
        if let Some(rl) = &self.rate_limit {
            if rl.requests == 0 {
                return invalid("rate_limit.requests must be at least 1".into());
            }
            duration("rate_limit.window_secs", rl.window_secs)?;
        }
        duration("server.header_read_timeout_secs", self.server.header_read_timeout_secs)?;
        if self.server.max_body_bytes == 0 {
            return invalid("server.max_body_bytes must be at least 1".into());
        }
        for (i, app) in self.apps.iter().enumerate() {
            if app.app_id.is_empty() {
                return invalid(format!("apps[{i}].app_id is empty"));
            }
        }
        let mut refresh_tokens = HashSet::new();
        let mut access_tokens = HashSet::new();
        for (i, user) in self.users.iter().enumerate() {
            if user.refresh_token.is_empty() {
                return invalid(format!("users[{i}].refresh_token is empty"));
            }
            if !refresh_tokens.insert(user.refresh_token.as_str()) {
                return invalid(format!("users[{i}].refresh_token is another user's too"));
            }
            if !self.apps.iter().any(|a| a.app_id == user.app_id) {
                return invalid(format!("users[{i}].app_id {:?} is not one of apps", user.app_id));
            }
            if let Some(access) = &user.access_token {
                if access.trim().is_empty() {
                    return invalid(format!("users[{i}].access_token is empty"));
                }
                if !access_tokens.insert(access.as_str()) {
                    return invalid(format!("users[{i}].access_token is another user's too"));
                }
            } else if user.access_expired {
                return invalid(format!("users[{i}].access_expired needs an access_token"));
            }
            duration(&format!("users[{i}].access_ttl_secs"), user.access_ttl_secs)?;
            duration(&format!("users[{i}].refresh_ttl_secs"), user.refresh_ttl_secs)?;
        }
        for (i, limit) in self.api_limits.iter().enumerate() {
            if let Err(why) = parse_api(&limit.api) {
                return invalid(format!("api_limits[{i}]: {why}"));
            }
            if limit.apis().is_empty() {
                return invalid(format!("api_limits[{i}]: {:?} matches no API", limit.api));
            }
            if limit.tier().is_some_and(|t| t.windows().any(|w| w.limit() == 0)) {
                return invalid(format!("api_limits[{i}]: a window allows 0 requests"));
            }
        }
        for (i, rule) in self.faults.iter().enumerate() {
            let api = match rule.api.as_deref().map(parse_api) {
                None => None,
                Some(Ok(Some(api))) => Some(api),
                Some(Ok(None)) => {
                    return invalid(format!(
                        "faults[{i}]: api {:?} is not `METHOD /open-apis/...` (a path \
                         pattern goes in `path`)",
                        rule.api.as_deref().unwrap_or_default()
                    ));
                }
                Some(Err(why)) => return invalid(format!("faults[{i}]: {why}")),
            };
            if let Some(api) = api {
                let own = api.lookup(rule.code).iter().any(|e| e.parent_code().is_none());
                if !own && lark_errors::lookup(rule.code).is_empty() {
                    return invalid(format!(
                        "faults[{i}]: {api} does not document code {} (neither its page \
                         nor the generic page)",
                        rule.code
                    ));
                }
            } else if !lark_errors::is_documented(rule.code)
                && lark_errors::catalog::lookup_apis(rule.code).is_empty()
            {
                return invalid(format!("faults[{i}]: code {} is not documented", rule.code));
            }
            if rule.entry(api).is_none() {
                return invalid(format!("faults[{i}]: no entry of code {}", rule.code));
            }
            if let Some(sub) = rule.sub_code {
                if rule.sub_entry(api).is_none() {
                    let whose = api.map_or_else(|| "any API page".to_owned(), |a| a.to_string());
                    return invalid(format!(
                        "faults[{i}]: {whose} documents no sub-code {sub} of code {}",
                        rule.code
                    ));
                }
            }
            if let Some(p) = rule.probability {
                if !(0.0..=1.0).contains(&p) {
                    return invalid(format!("faults[{i}]: probability {p} is not in [0, 1]"));
                }
            }
            if rule.nth == Some(0) {
                return invalid(format!("faults[{i}]: nth counts from 1"));
            }
            if let Some(status) = rule.status {
                if !(200..=599).contains(&status) || matches!(status, 204 | 205 | 304) {
                    return invalid(format!(
                        "faults[{i}]: status {status} cannot carry the error body \
                         (use 200-599 except 204, 205 and 304)"
                    ));
                }
            }
            if let Some(reset) = rule.reset_secs {
                duration(&format!("faults[{i}].reset_secs"), reset)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        for (p, t, ok) in [
            ("*", "/anything/at/all", true),
            ("/open-apis/im/v1/*", "/open-apis/im/v1/messages", true),
            ("/open-apis/im/v1/*", "/open-apis/im/v2/messages", false),
            ("/a/*/c", "/a/b/x/c", true),
            ("/a/*/c", "/a/b/x/d", false),
            ("/exact", "/exact", true),
            ("/exact", "/exactly", false),
            ("**", "", true),
            ("/a*b*c", "/aXXbYYc", true),
        ] {
            assert_eq!(glob_match(p.as_bytes(), t.as_bytes()), ok, "{p} {t}");
        }
    }

    #[test]
    fn defaults_and_unknown_fields() {
        let c = Config::from_toml_str("").unwrap();
        assert_eq!(c, Config::default());
        let e = Config::from_toml_str("[tokens]\nttl = 3\n").unwrap_err();
        assert!(e.to_string().contains("ttl"), "{e}");
        let e = Config::from_json_str(r#"{"faults":[{"code":1500,"probability":2}]}"#);
        assert!(e.unwrap_err().to_string().contains("probability"));
    }

    #[test]
    fn message_picks_among_duplicates() {
        let rule = FaultRule { message: Some("param error".into()), ..FaultRule::new("*", 40001) };
        assert_eq!(rule.entry(None).unwrap().message(), "param error");
        assert_eq!(FaultRule::new("*", 40001).entry(None).unwrap(), &lark_errors::lookup(40001)[0]);
    }
}
