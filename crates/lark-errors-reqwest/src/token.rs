//! Access tokens: the [`TokenSource`] trait and the app-credential source
//! [`AppTokenSource`] (tenant or app access tokens, cached, refreshed single-flight).

use std::fmt;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lark_errors::TokenKind;
use lark_errors::diagnose::{Diagnosis, diagnose};

use crate::HeaderMapHeaders;

/// Where the middleware gets the access token it sets as `Authorization: Bearer ...`.
///
/// Implement it for other kinds of token (a user access token store, a token shared
/// between processes); [`AppTokenSource`] covers tenant and app access tokens.
#[async_trait::async_trait]
pub trait TokenSource: Send + Sync + 'static {
    /// A token believed valid: the cached one, or a freshly fetched one.
    async fn token(&self) -> Result<String, TokenError>;

    /// The platform rejected `stale` as invalid or expired: forget it and return a token
    /// that is not `stale`. Many callers may report the same stale token at once; the
    /// first fetches, the others get the token it fetched.
    async fn refresh(&self, stale: &str) -> Result<String, TokenError>;

    /// The kind of token this source gives.
    fn kind(&self) -> TokenKind;
}

/// Why a token could not be had.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint could not be reached or did not answer.
    Http(reqwest::Error),
    /// The token endpoint answered with an error code (wrong secret, disabled app, ...).
    Rejected(Box<Diagnosis>),
    /// The token endpoint's answer could not be used.
    Malformed(String),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Http(e) => write!(f, "token request failed: {e}"),
            TokenError::Rejected(d) => write!(
                f,
                "token request rejected: code {} {}",
                d.code.map_or_else(|| "?".to_owned(), |c| c.to_string()),
                d.message.as_deref().unwrap_or("")
            ),
            TokenError::Malformed(why) => write!(f, "token response unusable: {why}"),
        }
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TokenError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Tenant or app access tokens fetched with the app's id and secret from the
/// platform's `.../auth/v3/{tenant,app}_access_token/internal` endpoint.
///
/// The token is cached until [`AppTokenSource::with_refresh_margin`] before its
/// `expire`; concurrent callers that find it missing, stale or rejected wait for one
/// fetch (single flight) instead of each fetching their own.
///
/// The default client is `reqwest::Client::new()`: for `https` endpoints enable a TLS
/// feature of `reqwest` in your own `Cargo.toml` (this crate enables none).
///
/// ```no_run
/// # async fn run() -> Result<(), lark_errors_reqwest::TokenError> {
/// use lark_errors_reqwest::{AppTokenSource, TokenSource};
///
/// let source = AppTokenSource::tenant(AppTokenSource::FEISHU, "cli_a1b2c3", "secret");
/// let token = source.token().await?; // fetched
/// assert_eq!(source.token().await?, token); // cached
/// assert_eq!(source.fetches(), 1);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct AppTokenSource {
    client: reqwest::Client,
    endpoint: String,
    app_id: String,
    app_secret: String,
    kind: TokenKind,
    margin: Duration,
    cache: RwLock<Option<Cached>>,
    flight: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
}

#[derive(Debug, Clone)]
struct Cached {
    token: String,
    refresh_at: Instant,
}

impl AppTokenSource {
    /// The Feishu Open Platform's base URL.
    pub const FEISHU: &'static str = "https://open.feishu.cn";
    /// The Lark (international) Open Platform's base URL.
    pub const LARK: &'static str = "https://open.larksuite.com";

    /// A source of tenant access tokens for a self-built app, from the platform at
    /// `base_url` (such as [`AppTokenSource::FEISHU`] or a mock server's URL).
    pub fn tenant(
        base_url: impl AsRef<str>,
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
    ) -> AppTokenSource {
        AppTokenSource::new(
            base_url.as_ref(),
            "tenant_access_token",
            TokenKind::TenantAccessToken,
            app_id.into(),
            app_secret.into(),
        )
    }

    /// A source of app access tokens for a self-built app, from the platform at
    /// `base_url`.
    pub fn app(
        base_url: impl AsRef<str>,
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
    ) -> AppTokenSource {
        AppTokenSource::new(
            base_url.as_ref(),
            "app_access_token",
            TokenKind::AppAccessToken,
            app_id.into(),
            app_secret.into(),
        )
    }

    fn new(
        base_url: &str,
        field: &str,
        kind: TokenKind,
        app_id: String,
        app_secret: String,
    ) -> AppTokenSource {
        AppTokenSource {
            client: reqwest::Client::new(),
            endpoint: format!(
                "{}/open-apis/auth/v3/{field}/internal",
                base_url.trim_end_matches('/')
            ),
            app_id,
            app_secret,
            kind,
            margin: Duration::from_secs(180),
            cache: RwLock::new(None),
            flight: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
        }
    }

    /// Uses `client` to fetch tokens (for proxies, TLS settings, timeouts). Do not pass
    /// a client wrapped in the middleware itself.
    pub fn with_client(mut self, client: reqwest::Client) -> AppTokenSource {
        self.client = client;
        self
    }

    /// Refreshes tokens this long before they expire (default 3 minutes; never more
    /// than half the token's lifetime, so short-lived tokens are still cached).
    pub fn with_refresh_margin(mut self, margin: Duration) -> AppTokenSource {
        self.margin = margin;
        self
    }

    /// The token endpoint's URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// How many times a token was fetched from the endpoint.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Forgets the cached token; the next call fetches a new one.
    pub fn invalidate(&self) {
        *self.cache.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn cached(&self) -> Option<String> {
        let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
        cache.as_ref().filter(|c| Instant::now() < c.refresh_at).map(|c| c.token.clone())
    }

    /// Fetches a token and caches it. Called with the single-flight lock held.
    async fn fetch(&self) -> Result<String, TokenError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let body = serde_json::json!({"app_id": self.app_id, "app_secret": self.app_secret});
        let response =
            self.client.post(&self.endpoint).json(&body).send().await.map_err(TokenError::Http)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(TokenError::Http)?;
        let diagnosis = diagnose(Some(status), &HeaderMapHeaders(&headers), &bytes);
        if !diagnosis.is_success() || !(200..300).contains(&status) {
            return Err(TokenError::Rejected(Box::new(diagnosis)));
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| TokenError::Malformed(format!("not JSON: {e}")))?;
        let field = self.kind.as_str();
        let token = value
            .get(field)
            .and_then(serde_json::Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| TokenError::Malformed(format!("no `{field}` in the response")))?
            .to_owned();
        let expire = value
            .get("expire")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| TokenError::Malformed("no `expire` in the response".to_owned()))?;
        let lifetime = Duration::from_secs(expire);
        // Counted from when the request was sent: the platform's clock started no later.
        let refresh_at = started + lifetime - self.margin.min(lifetime / 2);
        *self.cache.write().unwrap_or_else(|e| e.into_inner()) =
            Some(Cached { token: token.clone(), refresh_at });
        tracing::debug!(target: "lark_errors_reqwest", kind = field, expire, "fetched an access token");
        Ok(token)
    }
}

#[async_trait::async_trait]
impl TokenSource for AppTokenSource {
    async fn token(&self) -> Result<String, TokenError> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let _flight = self.flight.lock().await;
        // Whoever held the lock before us may have fetched it already.
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        self.fetch().await
    }

    async fn refresh(&self, stale: &str) -> Result<String, TokenError> {
        let _flight = self.flight.lock().await;
        if let Some(token) = self.cached().filter(|t| t != stale) {
            return Ok(token);
        }
        self.fetch().await
    }

    fn kind(&self) -> TokenKind {
        self.kind
    }
}
