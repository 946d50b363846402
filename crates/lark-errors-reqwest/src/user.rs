//! User access tokens kept alive with the OAuth refresh grant: [`UserTokenSource`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lark_errors::diagnose::Diagnosis;
use lark_errors::platform::{host, oauth, token as wire};
use lark_errors::{Action, RetryPolicy, TokenKind};

use crate::token::{DEFAULT_TIMEOUT, Flight, post_json, refresh_at, secs_field, string_field};
use crate::{TokenError, TokenSource};

/// The error a [`TokenStore`] returns.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// The tokens one refresh gave, handed to the [`TokenStore`] before the access token is
/// used. `Debug` does not print the tokens.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserTokens {
    /// The new user_access_token.
    pub access_token: String,
    /// Its lifetime (`expires_in`).
    pub expires_in: Duration,
    /// The new refresh token, which replaces the one just used (refresh tokens are
    /// single-use); `None` when the endpoint returned none (without the
    /// `offline_access` scope): the next refresh will need a new sign-in.
    pub refresh_token: Option<String>,
    /// The new refresh token's lifetime (`refresh_token_expires_in`), when given.
    pub refresh_token_expires_in: Option<Duration>,
}

impl fmt::Debug for UserTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserTokens")
            // The Rust fields' names (which happen to be the wire's too).
            .field(stringify!(expires_in), &self.expires_in)
            .field(stringify!(refresh_token), &self.refresh_token.as_ref().map(|_| "<set>"))
            .field(stringify!(refresh_token_expires_in), &self.refresh_token_expires_in)
            .finish_non_exhaustive()
    }
}

/// Where a [`UserTokenSource`] puts every rotated refresh token, so the next process
/// (or the next sign-in check) starts from the live one.
///
/// Called once per successful refresh, under the refresh lock, before the new access
/// token is used: a store that fails makes the refresh fail with
/// [`TokenError::Store`], and the source offers the same tokens to the store again on
/// the next call before using them. Any `Fn(&UserTokens) -> Result<(), StoreError>`
/// is a store.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use lark_errors_reqwest::{StoreError, TokenStore, UserTokens};
///
/// let saved: Arc<Mutex<Vec<String>>> = Arc::default();
/// let log = Arc::clone(&saved);
/// let store = move |tokens: &UserTokens| -> Result<(), StoreError> {
///     log.lock().unwrap().extend(tokens.refresh_token.clone());
///     Ok(())
/// };
/// fn is_store(_: &impl TokenStore) {}
/// is_store(&store);
/// ```
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync + 'static {
    /// Keeps `tokens` (at least the refresh token) durably.
    async fn save(&self, tokens: &UserTokens) -> Result<(), StoreError>;
}

#[async_trait::async_trait]
impl<F> TokenStore for F
where
    F: Fn(&UserTokens) -> Result<(), StoreError> + Send + Sync + 'static,
{
    async fn save(&self, tokens: &UserTokens) -> Result<(), StoreError> {
        self(tokens)
    }
}

/// A user's `user_access_token`, refreshed with the OAuth refresh grant
/// (`POST /open-apis/authen/v2/oauth/token`, `grant_type=refresh_token`).
///
/// Refresh tokens are single-use, so:
/// - refreshes are single-flight across all callers and all clones (clones share one
///   state): 50 callers that find the token expired cause one refresh;
/// - every rotated refresh token goes to the [`TokenStore`] *before* the new access
///   token is used;
/// - a refresh token the endpoint calls invalid, expired, revoked or used (20026,
///   20037, 20064, 20073) is [`TokenError::Reauthorize`]: the user must sign in
///   again. The source remembers it and answers every later call the same way, without
///   asking the endpoint, until [`UserTokenSource::set_refresh_token`];
/// - 20050 and 20072 (server error, unavailable) are retried with backoff, up to
///   [`UserTokenSource::with_retry_policy`]'s `max_attempts`.
///
/// Used as the middleware's token source, a 99991668 or 99991677 (user token invalid or
/// expired) makes the middleware refresh once and send the request again once.
/// Timeouts, the refresh margin and the lifetime floor are those of
/// [`crate::AppTokenSource`]. Configure it (the `with_*` methods) before cloning it: a
/// setting applied to a source that already has clones is ignored, with a warning.
///
/// ```no_run
/// # async fn run() -> Result<(), lark_errors_reqwest::TokenError> {
/// use lark_errors_reqwest::{StoreError, TokenSource, UserTokenSource, UserTokens};
///
/// let store = |tokens: &UserTokens| -> Result<(), StoreError> {
///     std::fs::write("refresh_token", tokens.refresh_token.as_deref().unwrap_or(""))?;
///     Ok(())
/// };
/// let refresh_token = std::fs::read_to_string("refresh_token").unwrap_or_default();
/// let user = UserTokenSource::new(UserTokenSource::FEISHU, "cli_a1b2c3", "secret", refresh_token, store);
/// let access_token = user.token().await?; // refreshed, the new refresh token stored first
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct UserTokenSource {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    endpoint: String,
    client_id: String,
    client_secret: String,
    margin: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    store: Box<dyn TokenStore>,
    state: RwLock<State>,
    flight: Flight,
    refreshes: AtomicU64,
}

#[derive(Default)]
struct State {
    access: Option<(String, Instant)>,
    refresh_token: Option<String>,
    /// Rotated tokens the store has not accepted yet: not to be used until it has.
    unsaved: Option<UserTokens>,
    /// The endpoint refused the refresh token: the user must sign in again.
    signed_out: Option<Option<Box<Diagnosis>>>,
}

impl fmt::Debug for UserTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserTokenSource")
            .field("endpoint", &self.inner.endpoint)
            .field("app", &self.inner.client_id)
            .field("refreshes", &self.refreshes())
            .finish_non_exhaustive()
    }
}

impl UserTokenSource {
    /// The Feishu Open Platform's base URL.
    pub const FEISHU: &'static str = host::FEISHU;
    /// The Lark (international) Open Platform's base URL.
    pub const LARK: &'static str = host::LARK;

    /// A source of the user's access tokens from the platform at `base_url`, for the app
    /// `app_id` / `app_secret`, starting from the user's current `refresh_token`; each
    /// rotated refresh token goes to `store`. The first call refreshes (unless
    /// [`UserTokenSource::with_access_token`] gave a live access token).
    pub fn new(
        base_url: impl AsRef<str>,
        app_id: impl Into<String>,
        app_secret: impl Into<String>,
        refresh_token: impl Into<String>,
        store: impl TokenStore,
    ) -> UserTokenSource {
        let retry = RetryPolicy::default().with_max_attempts(3);
        let refresh_token = Some(refresh_token.into()).filter(|t| !t.is_empty());
        UserTokenSource {
            inner: Arc::new(Inner {
                client: reqwest::Client::new(),
                endpoint: format!(
                    "{}{}",
                    base_url.as_ref().trim_end_matches('/'),
                    wire::USER_ACCESS_TOKEN_PATH
                ),
                client_id: app_id.into(),
                client_secret: app_secret.into(),
                margin: Duration::from_secs(180),
                timeout: DEFAULT_TIMEOUT,
                retry,
                store: Box::new(store),
                state: RwLock::new(State { refresh_token, ..State::default() }),
                flight: Flight::default(),
                refreshes: AtomicU64::new(0),
            }),
        }
    }

    fn configure(mut self, f: impl FnOnce(&mut Inner)) -> UserTokenSource {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => f(inner),
            None => tracing::warn!(
                target: "lark_errors_reqwest",
                "UserTokenSource configured after it was cloned: setting ignored"
            ),
        }
        self
    }

    /// Starts with a live access token (from the sign-in) that has `expires_in` left.
    pub fn with_access_token(
        self,
        access_token: impl Into<String>,
        expires_in: Duration,
    ) -> UserTokenSource {
        let access_token = access_token.into();
        self.configure(|inner| {
            let state = inner.state.get_mut().unwrap_or_else(|e| e.into_inner());
            state.access = refresh_at(Instant::now(), expires_in.as_secs(), inner.margin)
                .ok()
                .map(|at| (access_token, at));
        })
    }

    /// Uses `client` to refresh (for proxies, TLS settings). Do not pass a client
    /// wrapped in the middleware itself.
    pub fn with_client(self, client: reqwest::Client) -> UserTokenSource {
        self.configure(|inner| inner.client = client)
    }

    /// Refreshes this long before the access token expires (default 3 minutes; see
    /// [`crate::AppTokenSource::with_refresh_margin`]).
    pub fn with_refresh_margin(self, margin: Duration) -> UserTokenSource {
        self.configure(|inner| inner.margin = margin)
    }

    /// Gives up on one refresh request after `timeout` (default 10 s) with
    /// [`TokenError::Timeout`]; the refresh token is kept for the next call.
    pub fn with_timeout(self, timeout: Duration) -> UserTokenSource {
        self.configure(|inner| inner.timeout = timeout)
    }

    /// How often and how long apart a refresh refused with 20050 or 20072 is sent again
    /// (`max_attempts` in all, `backoff` between them; default 3 attempts, 500 ms base).
    pub fn with_retry_policy(self, policy: RetryPolicy) -> UserTokenSource {
        self.configure(|inner| inner.retry = policy)
    }

    /// After the user signed in again: continue from `refresh_token`, forgetting the
    /// access token and any refusal. Waits for a refresh in flight.
    pub async fn set_refresh_token(&self, refresh_token: impl Into<String>) {
        let _flight = self.inner.flight.join().await;
        *self.inner.state.write().unwrap_or_else(|e| e.into_inner()) = State {
            refresh_token: Some(refresh_token.into()).filter(|t| !t.is_empty()),
            ..State::default()
        };
    }

    /// Refresh requests sent to the endpoint (retries of 20050/20072 included).
    pub fn refreshes(&self) -> u64 {
        self.inner.refreshes.load(Ordering::Relaxed)
    }

    /// The endpoint's URL.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The access token, if it is live, stored, and the user is not signed out.
    fn usable(&self) -> Option<String> {
        let state = self.inner.state.read().unwrap_or_else(|e| e.into_inner());
        if state.unsaved.is_some() || state.signed_out.is_some() {
            return None;
        }
        state.access.as_ref().filter(|(_, at)| Instant::now() < *at).map(|(t, _)| t.clone())
    }

    fn state(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// [`UserTokenSource::renew`], unless the refresh this caller waited for timed out.
    async fn renew_unless(&self, timed_out: bool) -> Result<String, TokenError> {
        if timed_out {
            return Err(TokenError::Timeout(self.inner.timeout));
        }
        let result = self.renew().await;
        self.inner.flight.finish(&result);
        result
    }

    /// Gets a new access token. Called with the single-flight lock held.
    async fn renew(&self) -> Result<String, TokenError> {
        let (signed_out, unsaved) = {
            let state = self.state();
            (state.signed_out.clone(), state.unsaved.clone())
        };
        if let Some(why) = signed_out {
            return Err(TokenError::Reauthorize(why));
        }
        if let Some(tokens) = unsaved {
            // A refresh succeeded but its tokens were not stored: store them first.
            self.inner.store.save(&tokens).await.map_err(TokenError::Store)?;
            self.state().unsaved = None;
            if let Some(token) = self.usable() {
                return Ok(token);
            }
        }
        let mut attempt = 1;
        loop {
            match self.refresh_once().await {
                Err(TokenError::Rejected(d))
                    if refresh_action(&d) == Some(Action::Retry)
                        && attempt < self.inner.retry.max_attempts =>
                {
                    let nanos = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| d.subsec_nanos());
                    let mut jitter = || f64::from(nanos % 1000) / 1000.0;
                    let delay = self.inner.retry.backoff(attempt, &mut jitter);
                    tracing::info!(
                        target: "lark_errors_reqwest",
                        code = d.code,
                        delay_ms = delay.as_millis() as u64,
                        attempt,
                        "retrying a user token refresh"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The access token of a refresh answer, its `expires_in`, and when to refresh it.
    fn access_of(
        &self,
        value: &serde_json::Value,
        started: Instant,
    ) -> Result<(String, u64, Instant), TokenError> {
        let token = string_field(value, wire::ACCESS_TOKEN)?;
        let expires = secs_field(value, wire::EXPIRES_IN)?;
        Ok((token, expires, refresh_at(started, expires, self.inner.margin)?))
    }

    /// One refresh request, its answer applied to the state.
    async fn refresh_once(&self) -> Result<String, TokenError> {
        let current = self.state().refresh_token.clone();
        let Some(refresh_token) = current else {
            self.state().signed_out = Some(None);
            return Err(TokenError::Reauthorize(None));
        };
        self.inner.refreshes.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let mut grant = serde_json::Map::new();
        grant.insert(wire::GRANT_TYPE.to_owned(), wire::GRANT_REFRESH_TOKEN.into());
        grant.insert(wire::CLIENT_ID.to_owned(), self.inner.client_id.as_str().into());
        grant.insert(wire::CLIENT_SECRET.to_owned(), self.inner.client_secret.as_str().into());
        grant.insert(wire::REFRESH_TOKEN.to_owned(), refresh_token.into());
        let request = self.inner.client.post(&self.inner.endpoint).json(&grant);
        let (status, diagnosis, value) = post_json(request, self.inner.timeout).await?;
        if !diagnosis.is_success() || !(200..300).contains(&status) {
            if refresh_action(&diagnosis) == Some(Action::Reauthorize) {
                let why = Some(Box::new(diagnosis));
                self.state().signed_out = Some(why.clone());
                return Err(TokenError::Reauthorize(why));
            }
            return Err(TokenError::Rejected(Box::new(diagnosis)));
        }
        // The old refresh token is spent now: keep the new one whatever else is wrong.
        let rotated = string_field(&value, wire::REFRESH_TOKEN).ok();
        let rotated_in = secs_field(&value, wire::REFRESH_TOKEN_EXPIRES_IN).ok();
        let (access, expires, refresh_at) = match self.access_of(&value, started) {
            Ok(parts) => parts,
            Err(e) => {
                self.state().refresh_token = rotated.clone();
                if rotated.is_some() {
                    let tokens = UserTokens {
                        access_token: String::new(),
                        expires_in: Duration::ZERO,
                        refresh_token: rotated,
                        refresh_token_expires_in: rotated_in.map(Duration::from_secs),
                    };
                    self.inner.store.save(&tokens).await.map_err(TokenError::Store)?;
                }
                return Err(e);
            }
        };
        let tokens = UserTokens {
            access_token: access.clone(),
            expires_in: Duration::from_secs(expires),
            refresh_token: rotated.clone(),
            refresh_token_expires_in: rotated_in.map(Duration::from_secs),
        };
        {
            let mut state = self.state();
            state.refresh_token = rotated;
            state.access = Some((access.clone(), refresh_at));
            state.unsaved = Some(tokens.clone());
        }
        self.inner.store.save(&tokens).await.map_err(TokenError::Store)?;
        self.state().unsaved = None;
        tracing::debug!(target: "lark_errors_reqwest", expires, "refreshed a user access token");
        Ok(access)
    }
}

/// The library's action for a refusal of the refresh grant.
fn refresh_action(diagnosis: &Diagnosis) -> Option<Action> {
    diagnosis.code.and_then(|c| u32::try_from(c).ok()).and_then(oauth::refresh_action)
}

#[async_trait::async_trait]
impl TokenSource for UserTokenSource {
    async fn token(&self) -> Result<String, TokenError> {
        if let Some(token) = self.usable() {
            return Ok(token);
        }
        let (_flight, timed_out) = self.inner.flight.join().await;
        if let Some(token) = self.usable() {
            return Ok(token);
        }
        self.renew_unless(timed_out).await
    }

    async fn refresh(&self, stale: &str) -> Result<String, TokenError> {
        let (_flight, timed_out) = self.inner.flight.join().await;
        if let Some(token) = self.usable().filter(|t| t != stale) {
            return Ok(token);
        }
        self.renew_unless(timed_out).await
    }

    fn kind(&self) -> TokenKind {
        TokenKind::UserAccessToken
    }

    fn app_id(&self) -> Option<&str> {
        Some(&self.inner.client_id)
    }
}
