//! The mock server's configuration: apps, tokens, rate limit and fault rules.
//!
//! Read from TOML or JSON ([`Config::from_file`] picks by extension: `.json` is JSON,
//! anything else TOML). Every field is optional; [`Config::default`] is one app
//! (`cli_mock` / `mock_secret`), tokens valid for 7200 s, no rate limit, no faults.
//! Unknown fields are errors, so a typo does not silently disable a rule.
//!
//! ```toml
//! seed = 42                      # seeds fault probabilities and issued token strings
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
//! [rate_limit]                   # absent: no rate limit
//! requests = 50                  # requests per window, per app and path
//! window_secs = 1
//!
//! [[faults]]                     # the first rule that fires answers the request
//! method = "POST"                # optional: any method when absent
//! path = "/open-apis/im/v1/*"    # `*` matches any run of characters, `/` included
//! code = 1500                    # any documented code
//! # message = "internal error"  # choose among the entries of a duplicated code
//! # values = ["10.0.0.1"]        # placeholder values, in order (default "mock")
//! # status = 500                 # HTTP status (default: the entry's known one, else 400)
//! # scopes = ["im:message"]      # missing scopes (permission errors)
//! # nth = 3                      # fire on the 3rd matching request only
//! # probability = 0.25           # fire with this probability (seeded generator)
//! # times = 2                    # fire at most this many times
//! ```
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

use std::fmt;
use std::path::{Path, PathBuf};

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
    /// Requests allowed per window, per app and path; `None`: unlimited.
    pub rate_limit: Option<RateLimitConfig>,
    /// Fault rules, in order: the first that fires answers the request.
    pub faults: Vec<FaultRule>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 0,
            apps: vec![AppConfig::default()],
            tokens: TokenConfig::default(),
            rate_limit: None,
            faults: Vec::new(),
        }
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

/// A fixed-window rate limit per app and path.
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
    /// HTTP method to match (case-insensitive); any method when `None`.
    #[serde(default)]
    pub method: Option<String>,
    /// Path pattern; `*` matches any run of characters. Defaults to `*`.
    #[serde(default = "any_path")]
    pub path: String,
    /// The documented error code to answer with.
    pub code: u32,
    /// For a code documented more than once, the message that picks the entry.
    #[serde(default)]
    pub message: Option<String>,
    /// Placeholder values of the message, in order; missing ones are `mock`.
    #[serde(default)]
    pub values: Vec<String>,
    /// HTTP status; defaults to the entry's known status, else 400.
    #[serde(default)]
    pub status: Option<u16>,
    /// Missing scopes, sent as `error.permission_violations` and listed in the message.
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
            method: None,
            path: path.into(),
            code,
            message: None,
            values: Vec::new(),
            status: None,
            scopes: Vec::new(),
            nth: None,
            probability: None,
            times: None,
        }
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

    /// Whether the rule's method and path match a request.
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && glob_match(self.path.as_bytes(), path.as_bytes())
    }

    /// The catalog entry the rule answers with.
    pub(crate) fn entry(&self) -> Option<&'static lark_errors::Entry> {
        match &self.message {
            Some(msg) => lark_errors::resolve(self.code, msg),
            None => lark_errors::lookup(self.code).first(),
        }
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
    /// Reads a configuration file: JSON when the name ends in `.json`, else TOML.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Io { path: path.to_owned(), source })?;
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
        if self.tokens.ttl_secs == 0 {
            return invalid("tokens.ttl_secs must be at least 1".into());
        }
        if let Some(rl) = &self.rate_limit {
            if rl.requests == 0 || rl.window_secs == 0 {
                return invalid("rate_limit.requests and window_secs must be at least 1".into());
            }
        }
        for (i, app) in self.apps.iter().enumerate() {
            if app.app_id.is_empty() {
                return invalid(format!("apps[{i}].app_id is empty"));
            }
        }
        for (i, rule) in self.faults.iter().enumerate() {
            if lark_errors::lookup(rule.code).is_empty() {
                return invalid(format!("faults[{i}]: code {} is not documented", rule.code));
            }
            if rule.entry().is_none() {
                return invalid(format!("faults[{i}]: no entry of code {}", rule.code));
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
                if !(100..=999).contains(&status) {
                    return invalid(format!("faults[{i}]: status {status} is not an HTTP status"));
                }
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
        assert_eq!(rule.entry().unwrap().message(), "param error");
        assert_eq!(FaultRule::new("*", 40001).entry().unwrap(), &lark_errors::lookup(40001)[0]);
    }
}
