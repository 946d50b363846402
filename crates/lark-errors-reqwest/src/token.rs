//! Access tokens: the [`TokenSource`] trait and the app-credential source
//! [`AppTokenSource`] (tenant or app access tokens, cached, refreshed single-flight).

use std::fmt;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use std::time::{Duration, Instant};
use tokio::sync::{Mutex, MutexGuard};

use lark_errors::TokenKind;
use lark_errors::diagnose::{Diagnosis, diagnose};
use lark_errors::platform::{host, token as wire};

use crate::HeaderMapHeaders;
use crate::body::{self, Prefix, Stop};

/// Where the middleware gets the access token it sets as `Authorization: Bearer ...`.
///
/// [`AppTokenSource`] covers tenant and app access tokens, [`crate::UserTokenSource`] a
/// user's; implement it for others (a token shared between processes, say).
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

    /// The app the tokens are for (its `app_id`): the key under which
    /// [`crate::Pacing::Documented`] counts requests, as the platform counts them per app.
    /// `None` (the default) counts them under one key shared by every source without one.
    fn app_id(&self) -> Option<&str> {
        None
    }
}

/// Why a token could not be had.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint could not be reached or did not answer.
    Http(reqwest::Error),
    /// The token endpoint answered with an error code (wrong secret, disabled app, ...).
    Rejected(Box<Diagnosis>),
    /// The token endpoint's answer could not be used (not JSON, no token, an `expire`
    /// out of range, larger than the token source reads).
    Malformed(String),
    /// The token endpoint did not answer within the token source's timeout.
    Timeout(Duration),
    /// The user must sign in again: the refresh token is invalid, expired, revoked or
    /// already used (the library's `reauthorize` action for the OAuth endpoint's code,
    /// [`lark_errors::platform::oauth::refresh_action`]); the diagnosis of the
    /// endpoint's answer says which. `None`: there is no refresh token to use (the last
    /// refresh returned none, as without the `offline_access` scope).
    Reauthorize(Option<Box<Diagnosis>>),
    /// The refresh-token store refused the rotated tokens; the new access token was not
    /// used.
    Store(Box<dyn std::error::Error + Send + Sync>),
}

impl TokenError {
    /// The token error behind a middleware error, if that is what it is.
    ///
    /// ```no_run
    /// # async fn run(client: reqwest_middleware::ClientWithMiddleware) {
    /// use lark_errors_reqwest::TokenError;
    /// match client.get("https://open.feishu.cn/open-apis/contact/v3/users/me").send().await {
    ///     Err(e) if TokenError::of(&e).is_some_and(TokenError::needs_sign_in) => {
    ///         eprintln!("please sign in again");
    ///     }
    ///     _ => {}
    /// }
    /// # }
    /// ```
    pub fn of(error: &reqwest_middleware::Error) -> Option<&TokenError> {
        match error {
            reqwest_middleware::Error::Middleware(e) => e.downcast_ref::<TokenError>(),
            reqwest_middleware::Error::Reqwest(_) => None,
        }
    }

    /// Whether only a new sign-in of the user can fix this ([`TokenError::Reauthorize`]).
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, TokenError::Reauthorize(_))
    }
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
            TokenError::Timeout(after) => {
                write!(f, "token request timed out after {} ms", after.as_millis())
            }
            TokenError::Reauthorize(Some(d)) => write!(
                f,
                "the user must sign in again: the refresh token was refused with code {} {}",
                d.code.map_or_else(|| "?".to_owned(), |c| c.to_string()),
                d.message.as_deref().unwrap_or("")
            ),
            TokenError::Reauthorize(None) => {
                f.write_str("the user must sign in again: there is no refresh token")
            }
            TokenError::Store(e) => write!(f, "the refresh-token store failed: {e}"),
        }
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TokenError::Http(e) => Some(e),
            TokenError::Store(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// Tokens are cached at least this long whatever their lifetime, so a token endpoint
/// that answers `expire: 0` costs one fetch a second, not one per call.
pub(crate) const MIN_CACHE: Duration = Duration::from_secs(1);

/// The default timeout of a token fetch, from sending the request to the end of the body.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// When a token fetched at `started` with `lifetime` left should be fetched again: `margin`
/// before it expires, but never after half its lifetime and never sooner than
/// [`MIN_CACHE`]. A lifetime too large for the clock is an error, not a panic.
pub(crate) fn refresh_at(
    started: Instant,
    lifetime_secs: u64,
    margin: Duration,
) -> Result<Instant, TokenError> {
    let lifetime = Duration::from_secs(lifetime_secs);
    let keep = lifetime.saturating_sub(margin.min(lifetime / 2)).max(MIN_CACHE);
    started.checked_add(keep).ok_or_else(|| {
        TokenError::Malformed(format!("a lifetime of {lifetime_secs} s is out of range"))
    })
}

/// Single flight: one fetch at a time, and callers that waited for a fetch that timed
/// out get its timeout instead of each starting one more (which would make N callers
/// wait N timeouts).
#[derive(Debug, Default)]
pub(crate) struct Flight {
    lock: Mutex<()>,
    finished: AtomicU64,
    timed_out: AtomicU64,
}

impl Flight {
    /// Waits for the fetch in flight, if any; `true` when the fetch waited for timed out.
    pub(crate) async fn join(&self) -> (MutexGuard<'_, ()>, bool) {
        let seen = self.finished.load(Ordering::SeqCst);
        let guard = self.lock.lock().await;
        let now = self.finished.load(Ordering::SeqCst);
        (guard, now != seen && self.timed_out.load(Ordering::SeqCst) == now)
    }

    /// Records the end of a fetch (call with the guard of [`Flight::join`] held).
    pub(crate) fn finish<T>(&self, result: &Result<T, TokenError>) {
        let n = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
        if matches!(result, Err(TokenError::Timeout(_))) {
            self.timed_out.store(n, Ordering::SeqCst);
        }
    }
}

/// Sends a token request and reads its JSON answer, at most [`body::DEFAULT_LIMIT`] bytes
/// of it, within `timeout`: its HTTP status, its diagnosis and its JSON (`Null` when it
/// is not JSON).
pub(crate) async fn post_json(
    request: reqwest::RequestBuilder,
    timeout: Duration,
) -> Result<(u16, Diagnosis, serde_json::Value), TokenError> {
    let exchange = async {
        let mut response = request.send().await.map_err(TokenError::Http)?;
        let status = response.status().as_u16();
        let bytes = match body::read_prefix(&mut response, body::DEFAULT_LIMIT, None).await {
            Prefix::Whole(bytes) => bytes,
            Prefix::Partial(_, Stop::Failed(e)) => return Err(TokenError::Http(e)),
            Prefix::Partial(_, Stop::TooLarge | Stop::Deadline) => {
                return Err(TokenError::Malformed(format!(
                    "the answer is larger than {} bytes",
                    body::DEFAULT_LIMIT
                )));
            }
        };
        let diagnosis = diagnose(Some(status), &HeaderMapHeaders(response.headers()), &bytes);
        let value = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        Ok((status, diagnosis, value))
    };
    tokio::time::timeout(timeout, exchange).await.unwrap_or(Err(TokenError::Timeout(timeout)))
}

/// The non-empty string field `field` of a token answer.
pub(crate) fn string_field(value: &serde_json::Value, field: &str) -> Result<String, TokenError> {
    value
        .get(field)
        .and_then(serde_json::Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| TokenError::Malformed(format!("no `{field}` in the response")))
}

/// The seconds field `field` of a token answer.
pub(crate) fn secs_field(value: &serde_json::Value, field: &str) -> Result<u64, TokenError> {
    value
        .get(field)
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| TokenError::Malformed(format!("no `{field}` in the response")))
}

/// Tenant or app access tokens fetched with the app's id and secret from the
/// platform's `.../auth/v3/{tenant,app}_access_token/internal` endpoint.
///
/// The token is cached until [`AppTokenSource::with_refresh_margin`] before its
/// `expire`; concurrent callers that find it missing, stale or rejected wait for one
/// fetch (single flight) instead of each fetching their own.
///
/// Hardened against a misbehaving endpoint: a fetch that takes longer than
/// [`AppTokenSource::with_timeout`] (10 s by default) fails with
/// [`TokenError::Timeout`] instead of holding every caller; an answer larger than 64 KiB
/// or an `expire` too large for the clock is [`TokenError::Malformed`]; a token whose
/// lifetime is under twice the refresh margin is cached for half of it, and any token
/// for at least one second (so `expire: 0` means one fetch a second, not one per call;
/// a token the platform rejects within that second is refreshed as any stale token).
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
pub struct AppTokenSource {
    client: reqwest::Client,
    endpoint: String,
    app_id: String,
    app_secret: String,
    kind: TokenKind,
    margin: Duration,
    timeout: Duration,
    cache: RwLock<Option<Cached>>,
    flight: Flight,
    fetches: AtomicU64,
}

impl fmt::Debug for AppTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Neither the secret nor the token.
        f.debug_struct("AppTokenSource")
            .field("endpoint", &self.endpoint)
            .field("app", &self.app_id)
            .field("kind", &self.kind)
            .field("fetches", &self.fetches())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct Cached {
    token: String,
    refresh_at: Instant,
}

impl AppTokenSource {
    /// The Feishu Open Platform's base URL ([`lark_errors::platform::host::FEISHU`]).
    pub const FEISHU: &'static str = host::FEISHU;
    /// The Lark (international) Open Platform's base URL
    /// ([`lark_errors::platform::host::LARK`]).
    pub const LARK: &'static str = host::LARK;

    /// A source of tenant access tokens for a self-built app, from the platform at
    /// `base_url` (such as [`AppTokenSource::FEISHU`] or a mock server's URL).
    pub fn tenant(
        base_url: impl AsRef<str>,
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
    ) -> AppTokenSource {
        AppTokenSource::new(
            base_url.as_ref(),
            wire::TENANT_ACCESS_TOKEN_PATH,
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
            wire::APP_ACCESS_TOKEN_PATH,
            TokenKind::AppAccessToken,
            app_id.into(),
            app_secret.into(),
        )
    }

    fn new(
        base_url: &str,
        path: &str,
        kind: TokenKind,
        app_id: String,
        app_secret: String,
    ) -> AppTokenSource {
        AppTokenSource {
            client: reqwest::Client::new(),
            endpoint: format!("{}{path}", base_url.trim_end_matches('/')),
            app_id,
            app_secret,
            kind,
            margin: Duration::from_secs(180),
            timeout: DEFAULT_TIMEOUT,
            cache: RwLock::new(None),
            flight: Flight::default(),
            fetches: AtomicU64::new(0),
        }
    }

    /// Uses `client` to fetch tokens (for proxies, TLS settings). Do not pass a client
    /// wrapped in the middleware itself.
    pub fn with_client(mut self, client: reqwest::Client) -> AppTokenSource {
        self.client = client;
        self
    }

    /// Refreshes tokens this long before they expire (default 3 minutes; never more
    /// than half the token's lifetime, so short-lived tokens are still cached, and never
    /// sooner than one second after the fetch).
    pub fn with_refresh_margin(mut self, margin: Duration) -> AppTokenSource {
        self.margin = margin;
        self
    }

    /// Gives up on a token fetch after `timeout` (default 10 s), from sending the request
    /// to the end of the answer, with [`TokenError::Timeout`]; the callers that were
    /// waiting for that fetch get the same error (the next call tries again).
    ///
    /// ```
    /// use std::time::Duration;
    /// use lark_errors_reqwest::AppTokenSource;
    /// let source = AppTokenSource::tenant(AppTokenSource::FEISHU, "cli_a1b2c3", "secret")
    ///     .with_timeout(Duration::from_secs(3));
    /// assert_eq!(source.timeout(), Duration::from_secs(3));
    /// ```
    pub fn with_timeout(mut self, timeout: Duration) -> AppTokenSource {
        self.timeout = timeout;
        self
    }

    /// The timeout of a token fetch.
    pub fn timeout(&self) -> Duration {
        self.timeout
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
        let mut credentials = serde_json::Map::new();
        credentials.insert(wire::APP_ID.to_owned(), self.app_id.as_str().into());
        credentials.insert(wire::APP_SECRET.to_owned(), self.app_secret.as_str().into());
        let request = self.client.post(&self.endpoint).json(&credentials);
        let (status, diagnosis, value) = post_json(request, self.timeout).await?;
        if !diagnosis.is_success() || !(200..300).contains(&status) {
            return Err(TokenError::Rejected(Box::new(diagnosis)));
        }
        if value.is_null() {
            return Err(TokenError::Malformed("not JSON".to_owned()));
        }
        let field = match self.kind {
            TokenKind::AppAccessToken => wire::APP_ACCESS_TOKEN,
            _ => wire::TENANT_ACCESS_TOKEN,
        };
        let token = string_field(&value, field)?;
        let expire = secs_field(&value, wire::EXPIRE)?;
        // Counted from when the request was sent: the platform's clock started no later.
        let refresh_at = refresh_at(started, expire, self.margin)?;
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
        let (_flight, timed_out) = self.flight.join().await;
        // Whoever held the lock before us may have fetched it already.
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        if timed_out {
            return Err(TokenError::Timeout(self.timeout));
        }
        let result = self.fetch().await;
        self.flight.finish(&result);
        result
    }

    async fn refresh(&self, stale: &str) -> Result<String, TokenError> {
        let (_flight, timed_out) = self.flight.join().await;
        if let Some(token) = self.cached().filter(|t| t != stale) {
            return Ok(token);
        }
        if timed_out {
            return Err(TokenError::Timeout(self.timeout));
        }
        let result = self.fetch().await;
        self.flight.finish(&result);
        result
    }

    fn kind(&self) -> TokenKind {
        self.kind
    }

    fn app_id(&self) -> Option<&str> {
        Some(&self.app_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_cached_sensibly() {
        let now = Instant::now();
        let margin = Duration::from_secs(180);
        let at = |secs| refresh_at(now, secs, margin).map(|t| t - now).ok();
        assert_eq!(at(7200), Some(Duration::from_secs(7200 - 180)));
        assert_eq!(at(200), Some(Duration::from_secs(100)), "half of a short lifetime");
        assert_eq!(at(0), Some(MIN_CACHE), "expire 0 is cached a second, not fetched per call");
        assert_eq!(at(1), Some(MIN_CACHE));
        assert!(matches!(refresh_at(now, u64::MAX, margin), Err(TokenError::Malformed(_))));
    }
}
