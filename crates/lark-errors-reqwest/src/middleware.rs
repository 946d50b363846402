//! The middleware: set the token, send, diagnose, and do what the retry decision says.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::{Extensions, HeaderValue, Method, header};
use lark_errors::Category;
use lark_errors::catalog::{self, Api};
use lark_errors::diagnose::{Diagnoser, Diagnosis};
use lark_errors::platform::token as wire;
use lark_errors::retry::{Attempt, Idempotency, Jitter, RetryDecision, RetryPolicy, SeededJitter};
use reqwest::{Request, Response};
use reqwest_middleware::{Error, Middleware, Next, Result};

use crate::body::{self, Prefix};
use crate::pace::{Lane, Pacer, Pacing};
use crate::{HeaderMapHeaders, TokenError, TokenSource};

/// Marks a request as idempotent (safe to send twice) or not, overriding the method's
/// default (GET, HEAD, PUT, DELETE, OPTIONS and TRACE are idempotent; POST and PATCH
/// are not). Only failures that may have done work (`internal`, `unavailable`) depend on
/// it; rate-limit and token failures are retried for any request.
///
/// ```no_run
/// # async fn run(client: reqwest_middleware::ClientWithMiddleware) -> reqwest_middleware::Result<()> {
/// use lark_errors_reqwest::Idempotent;
/// // A POST that only reads, so a retry after an internal error is harmless.
/// let response = client
///     .post("https://open.feishu.cn/open-apis/contact/v3/users/batch_get_id")
///     .with_extension(Idempotent(true))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idempotent(pub bool);

impl Idempotent {
    /// The default for `method`.
    ///
    /// ```
    /// use lark_errors_reqwest::Idempotent;
    /// assert_eq!(Idempotent::of(&http::Method::GET), Idempotent(true));
    /// assert_eq!(Idempotent::of(&http::Method::POST), Idempotent(false));
    /// ```
    pub fn of(method: &Method) -> Idempotent {
        Idempotent(matches!(
            *method,
            Method::GET
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::OPTIONS
                | Method::TRACE
        ))
    }
}

/// What the middleware did for a response, attached to it next to the [`Diagnosis`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Attempts {
    /// Requests sent in all (1 when nothing was retried).
    pub sent: u32,
    /// Token refreshes done for this call.
    pub token_refreshes: u32,
    /// Time spent waiting between attempts.
    pub waited: Duration,
    /// Time spent waiting for the pacer before sending ([`Pacing::Documented`]).
    pub paced: Duration,
}

/// Reads what the middleware attached to a response.
///
/// ```no_run
/// # async fn run(client: reqwest_middleware::ClientWithMiddleware) -> reqwest_middleware::Result<()> {
/// use lark_errors_reqwest::ResponseExt;
/// let response = client.get("https://open.feishu.cn/open-apis/im/v1/chats").send().await?;
/// if let Some(d) = response.diagnosis().filter(|d| !d.is_success()) {
///     eprintln!("code {:?}: missing scopes {:?}, log id {:?}", d.code, d.missing_scopes, d.log_id);
/// }
/// # Ok(()) }
/// ```
pub trait ResponseExt {
    /// The diagnosis of the response body; `None` for a response the middleware did not
    /// read whole: a 2xx with a non-JSON content type (such as a file download), a body
    /// over [`LarkMiddleware::with_diagnosis_limit`], or one that did not end within
    /// [`LarkMiddleware::with_read_timeout`]. Such a response is passed through intact.
    ///
    /// An error is diagnosed with the request's API ([`Diagnosis::api`], its own entry,
    /// [`Diagnosis::layer`], [`Diagnosis::required_scopes`]); a success is diagnosed
    /// without routing the request (no entry of the API applies to it), so its `api` is
    /// `None` unless pacing routed it: [`ResponseExt::lark_api`] routes on demand.
    fn diagnosis(&self) -> Option<&Diagnosis>;
    /// How many requests were sent, token refreshes done and time waited; `None` like
    /// [`ResponseExt::diagnosis`].
    fn attempts(&self) -> Option<Attempts>;
    /// The documented API the request was sent to (its method and path routed with
    /// [`lark_errors::catalog::route`]): its title, doc URL, rate-limit tier and scopes.
    /// `None` for a request that routes to no documented API, and like
    /// [`ResponseExt::diagnosis`]. For an error it is the diagnosis's `api`.
    ///
    /// ```no_run
    /// # async fn run(client: reqwest_middleware::ClientWithMiddleware) -> reqwest_middleware::Result<()> {
    /// use lark_errors_reqwest::ResponseExt;
    /// let response = client.get("https://open.feishu.cn/open-apis/im/v1/chats/oc_1").send().await?;
    /// if let Some(api) = response.lark_api() {
    ///     println!("{api}: {} ({:?})", api.title(), api.rate_limit());
    /// }
    /// # Ok(()) }
    /// ```
    fn lark_api(&self) -> Option<&'static Api>;
}

impl ResponseExt for Response {
    fn diagnosis(&self) -> Option<&Diagnosis> {
        self.extensions().get::<Outcome>().map(|o| &o.diagnosis)
    }

    fn attempts(&self) -> Option<Attempts> {
        self.extensions().get::<Outcome>().map(|o| o.attempts)
    }

    fn lark_api(&self) -> Option<&'static Api> {
        // A success is diagnosed without routing (it needs no API's entries): route now.
        let outcome = self.extensions().get::<Outcome>()?;
        outcome
            .diagnosis
            .api
            .or_else(|| outcome.method.and_then(|m| catalog::route(m, self.url().path())))
    }
}

/// What the middleware attaches to a response: one extension, one allocation.
#[derive(Debug, Clone)]
struct Outcome {
    diagnosis: Diagnosis,
    attempts: Attempts,
    /// The request's method, for [`ResponseExt::lark_api`].
    method: Option<catalog::Method>,
}

/// A `reqwest_middleware::Middleware` that follows the lark-errors retry decisions.
///
/// For each request it:
/// 1. sets `Authorization: Bearer <token>` from its [`TokenSource`], if it has one and
///    the request carries no `Authorization` header of its own;
/// 2. with [`Pacing::Documented`], waits until the API's documented tier allows it
///    ([`LarkMiddleware::with_pacing`]);
/// 3. sends it, reads the response body (at most 64 KiB of it, within 10 s: see
///    [`LarkMiddleware::with_diagnosis_limit`]) and diagnoses it with
///    [`lark_errors::Diagnoser`], an error with the request's API;
/// 4. asks [`RetryPolicy::decide`] what to do, and does exactly that: waits
///    `x-ogw-ratelimit-reset` seconds (capped by the policy) or a jittered backoff and
///    sends again; on `refresh_token` gets a fresh token from its source (once for many
///    concurrent callers) and sends again once with it; otherwise stops;
/// 5. never sends again a request whose body cannot be cloned (a stream), nor refreshes
///    a token it did not set;
/// 6. returns the last response intact (status, headers, body) with its [`Diagnosis`],
///    [`Attempts`] and API in the response extensions (see [`ResponseExt`]).
///
/// Each retry emits a `tracing` event (target `lark_errors_reqwest`, level INFO) with
/// the code, decision, delay and attempt number. Transport errors (connection refused,
/// timeouts) are returned as they are: there is no response to decide from.
///
/// ```no_run
/// # async fn run() -> reqwest_middleware::Result<()> {
/// use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, ResponseExt};
///
/// let tokens = AppTokenSource::tenant(AppTokenSource::FEISHU, "cli_a1b2c3", "secret");
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(LarkMiddleware::new().with_token_source(tokens))
///     .build();
/// let response = client.get("https://open.feishu.cn/open-apis/im/v1/chats").send().await?;
/// println!("{:?}", response.diagnosis().map(|d| d.is_success()));
/// # Ok(()) }
/// ```
pub struct LarkMiddleware {
    policy: RetryPolicy,
    tokens: Option<Arc<dyn TokenSource>>,
    jitter: Mutex<Box<dyn Jitter + Send>>,
    /// The last token and its header value: building and validating the header for
    /// every request cost as much as the rest of the middleware's bookkeeping.
    bearer: RwLock<Option<(String, HeaderValue)>>,
    diagnosis_limit: usize,
    read_timeout: Duration,
    pacing: Pacing,
    pacer: Pacer,
}

impl std::fmt::Debug for LarkMiddleware {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LarkMiddleware")
            .field("policy", &self.policy)
            .field("token_kind", &self.tokens.as_ref().map(|t| t.kind()))
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

impl Default for LarkMiddleware {
    fn default() -> LarkMiddleware {
        LarkMiddleware::new()
    }
}

impl LarkMiddleware {
    /// The default [`RetryPolicy`], no token source, jitter seeded from the clock.
    pub fn new() -> LarkMiddleware {
        let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        LarkMiddleware {
            policy: RetryPolicy::default(),
            tokens: None,
            jitter: Mutex::new(Box::new(SeededJitter::new(seed))),
            bearer: RwLock::new(None),
            diagnosis_limit: body::DEFAULT_LIMIT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            pacing: Pacing::Off,
            pacer: Pacer::new(),
        }
    }

    /// Paces requests by the documented rate-limit tier of their API (default
    /// [`Pacing::Off`]).
    ///
    /// With [`Pacing::Documented`], each request to an API whose page documents a
    /// standard tier (`1000/min, 50/s`, `100/min`, ...: [`lark_errors::catalog::RateLimit::windows`])
    /// waits, asleep, until sending it keeps every window of the tier for its app (the
    /// token source's [`TokenSource::app_id`]; one shared key without one): a burst of
    /// 200 calls to a 50/s API goes out 50 a second instead of meeting 99991400. Slots
    /// are counted from the answers, so the limit holds at window edges whatever the
    /// network delay. A 99991400 that gets through (another process of the same app)
    /// still waits `x-ogw-ratelimit-reset`, and holds back the API's other requests
    /// until then. "Special" tiers and requests to undocumented APIs are sent unpaced.
    /// Time spent is [`Attempts::paced`]. The state is shared by every clone of the
    /// client; share it between middlewares with [`LarkMiddleware::with_pacer`].
    ///
    /// ```
    /// use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, Pacing};
    /// let tokens = AppTokenSource::tenant(AppTokenSource::FEISHU, "cli_a1b2c3", "secret");
    /// let mw = LarkMiddleware::new().with_token_source(tokens).with_pacing(Pacing::Documented);
    /// ```
    pub fn with_pacing(mut self, pacing: Pacing) -> LarkMiddleware {
        self.pacing = pacing;
        self
    }

    /// Paces with `pacer`'s state, shared with the other middlewares given it (two
    /// clients of one app share its limits); implies [`Pacing::Documented`].
    pub fn with_pacer(mut self, pacer: Pacer) -> LarkMiddleware {
        self.pacer = pacer;
        self.pacing = Pacing::Documented;
        self
    }

    /// Whether requests are paced.
    pub fn pacing(&self) -> Pacing {
        self.pacing
    }

    /// The pacer's state (empty unless pacing is on).
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// Reads at most `bytes` of a response body to diagnose it (default 64 KiB; the
    /// platform's error bodies are a few hundred bytes). A longer body is not
    /// diagnosed, nor retried: it is passed through intact, the bytes already read
    /// followed by the rest as it arrives, so memory stays bounded whatever the size.
    ///
    /// ```
    /// let mw = lark_errors_reqwest::LarkMiddleware::new().with_diagnosis_limit(16 * 1024);
    /// ```
    pub fn with_diagnosis_limit(mut self, bytes: usize) -> LarkMiddleware {
        self.diagnosis_limit = bytes;
        self
    }

    /// Waits at most `timeout` (default 10 s) for a response body to end before
    /// passing it through undiagnosed, so a server that sends headers and stalls
    /// cannot hold the call longer than that (the client's own timeout, when shorter,
    /// ends the read first, and its error reaches the caller on reading the body, as
    /// with plain reqwest).
    ///
    /// ```
    /// use std::time::Duration;
    /// let mw = lark_errors_reqwest::LarkMiddleware::new().with_read_timeout(Duration::from_secs(2));
    /// ```
    pub fn with_read_timeout(mut self, timeout: Duration) -> LarkMiddleware {
        self.read_timeout = timeout;
        self
    }

    /// Retries within `policy`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lark_errors::RetryPolicy;
    /// let mw = lark_errors_reqwest::LarkMiddleware::new().with_policy(
    ///     RetryPolicy::default().with_max_attempts(3).with_base_delay(Duration::from_millis(100)),
    /// );
    /// assert_eq!(mw.policy().max_attempts, 3);
    /// ```
    pub fn with_policy(mut self, policy: RetryPolicy) -> LarkMiddleware {
        self.policy = policy;
        self
    }

    /// Sets `Authorization` from `source` and refreshes it when the platform rejects it.
    pub fn with_token_source(self, source: impl TokenSource) -> LarkMiddleware {
        self.with_shared_token_source(Arc::new(source))
    }

    /// Like [`LarkMiddleware::with_token_source`], for a source shared with other code
    /// (to read its counters, or use it in several clients).
    pub fn with_shared_token_source(mut self, source: Arc<dyn TokenSource>) -> LarkMiddleware {
        self.tokens = Some(source);
        self
    }

    /// Seeds the backoff jitter, for reproducible delays.
    pub fn with_jitter_seed(self, seed: u64) -> LarkMiddleware {
        self.with_jitter(SeededJitter::new(seed))
    }

    /// Takes backoff jitter from `jitter` (fractions in `[0, 1]`): `|| 1.0` waits the
    /// full backoff each time, for tests that check delays.
    ///
    /// ```
    /// let mw = lark_errors_reqwest::LarkMiddleware::new().with_jitter(|| 1.0);
    /// ```
    pub fn with_jitter(self, jitter: impl Jitter + Send + 'static) -> LarkMiddleware {
        LarkMiddleware { jitter: Mutex::new(Box::new(jitter)), ..self }
    }

    /// The retry policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Sets `Authorization: Bearer <token>`, reusing the header value of the last token.
    fn set_bearer(&self, request: &mut Request, token: &str) -> Result<()> {
        let cached = self.bearer.read().unwrap_or_else(|e| e.into_inner());
        let value = match cached.as_ref().filter(|(t, _)| t == token) {
            Some((_, value)) => value.clone(),
            None => {
                drop(cached);
                let mut value = HeaderValue::from_str(&format!("{} {token}", wire::BEARER))
                    .map_err(|_| {
                        Error::middleware(TokenError::Malformed(
                            "the token is not a valid header value".into(),
                        ))
                    })?;
                value.set_sensitive(true);
                *self.bearer.write().unwrap_or_else(|e| e.into_inner()) =
                    Some((token.to_owned(), value.clone()));
                value
            }
        };
        request.headers_mut().insert(header::AUTHORIZATION, value);
        Ok(())
    }

    fn decide(&self, diagnosis: &Diagnosis, attempt: &Attempt) -> RetryDecision {
        if diagnosis.is_success() {
            // The policy stops at a success without drawing jitter: no lock to take.
            return self.policy.decide(diagnosis, attempt, &mut || 1.0);
        }
        let mut jitter = self.jitter.lock().unwrap_or_else(|e| e.into_inner());
        self.policy.decide(diagnosis, attempt, &mut || jitter.fraction())
    }
}

/// The future of [`LarkMiddleware`]'s `handle`, boxed as the trait wants.
type Handled<'a> = Pin<Box<dyn Future<Output = Result<Response>> + Send + 'a>>;

// Written out rather than with `#[async_trait]`: that macro moves every argument into a
// second local inside the future, and the request alone is 264 bytes. The future of a
// success stays small enough to be a cheap allocation (the re-send is a future of its
// own, only made when there is one).
impl Middleware for LarkMiddleware {
    fn handle<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        request: Request,
        extensions: &'life1 mut Extensions,
        next: Next<'life2>,
    ) -> Handled<'async_trait>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(self.call(request, extensions, next))
    }
}

impl LarkMiddleware {
    /// One call: send (and send again) `request`, as [`LarkMiddleware`] says.
    ///
    /// Between attempts `request` is the copy kept for a re-send: each attempt sends
    /// what it holds and leaves a clone in its place (none when it will not be sent
    /// again), so the future holds one request, not two.
    // Not an `async fn`: that moves `request` into a second local of the future (the
    // future of an `async fn` is 304 bytes larger, measured with `-Zprint-type-sizes`).
    #[allow(clippy::manual_async_fn)]
    fn call<'a>(
        &'a self,
        mut request: Request,
        extensions: &'a mut Extensions,
        next: Next<'a>,
    ) -> impl Future<Output = Result<Response>> + Send + 'a {
        async move {
            let idempotent = extensions
                .get::<Idempotent>()
                .copied()
                .unwrap_or_else(|| Idempotent::of(request.method()))
                .0;
            // The token this middleware set, if it set one: only that one may be refreshed.
            let mut token = None;
            if let Some(source) = &self.tokens {
                if !request.headers().contains_key(header::AUTHORIZATION) {
                    let t = source.token().await.map_err(Error::middleware)?;
                    self.set_bearer(&mut request, &t)?;
                    token = Some(t);
                }
            }
            // The request's API: for pacing before it is sent, for the diagnosis after.
            let mut api = Routed::new(&request);
            let lane = match self.pacing {
                Pacing::Off => None,
                Pacing::Documented => api.get(request.url()).and_then(|api| {
                    let app = self.tokens.as_ref().and_then(|t| t.app_id()).unwrap_or("");
                    self.pacer.lane(app, api)
                }),
            };
            let started = Instant::now();
            let mut attempt = Attempt::first(if idempotent {
                Idempotency::Idempotent
            } else {
                Idempotency::NotIdempotent
            });
            let mut attempts = Attempts::default();
            loop {
                attempts.sent += 1;
                let slot = match &lane {
                    Some(lane) => {
                        let (slot, waited) = lane.acquire().await;
                        attempts.paced += waited;
                        Some(slot)
                    }
                    None => None,
                };
                let (sent, resendable) = self.copy(&mut request, &attempt);
                let response = next.clone().run(sent, extensions).await;
                // Answered (or failed): from now on the slot counts for one period.
                drop(slot);
                // In a block of its own, so that the answer is not kept in the future
                // across the wait before a re-send.
                let (step, decision) = {
                    let mut response = response?;
                    // Not read whole (a download, a long or stalled body): nothing to
                    // decide from, passed on as it is.
                    if !readable(&response, self.diagnosis_limit) {
                        return Ok(response);
                    }
                    let (limit, timeout) = (self.diagnosis_limit, self.read_timeout);
                    let bytes = match body::read_prefix(&mut response, limit, Some(timeout)).await {
                        Prefix::Whole(bytes) => bytes,
                        Prefix::Partial(read, stop) => {
                            return Ok(body::restore(response, read, stop));
                        }
                    };
                    let diagnosis = diagnose(&response, &bytes, &mut api);
                    let mut response = body::with_body(response, bytes.into());
                    if !diagnosis.is_success() {
                        // Only the decision on an error reads it (a success stops at once).
                        attempt.elapsed = started.elapsed();
                    }
                    let decision = self.decide(&diagnosis, &attempt);
                    if let Some(lane) = &lane {
                        slow_down(lane, &diagnosis, &decision, &self.policy);
                    }
                    match self.step(decision, resendable, token.as_deref()) {
                        Some(step) => {
                            log_retry(
                                &diagnosis,
                                &decision,
                                step.delay(),
                                attempt.number,
                                &request,
                            );
                            (step, decision)
                        }
                        None => {
                            if !resendable && !matches!(decision, RetryDecision::Stop(_)) {
                                tracing::debug!(
                                    target: "lark_errors_reqwest",
                                    code = diagnosis.code,
                                    decision = %decision,
                                    "not retried: the request body is a stream and cannot be sent again"
                                );
                            }
                            let method = api.method;
                            response.extensions_mut().insert(Outcome {
                                diagnosis,
                                attempts,
                                method,
                            });
                            return Ok(response);
                        }
                    }
                };
                match step {
                    Step::Wait(after) => {
                        tokio::time::sleep(after).await;
                        attempts.waited += after;
                    }
                    Step::Refresh(source) => {
                        let stale = token.take().unwrap_or_default();
                        let fresh = source.refresh(&stale).await.map_err(Error::middleware)?;
                        self.set_bearer(&mut request, &fresh)?;
                        token = Some(fresh);
                        attempts.token_refreshes += 1;
                    }
                }
                attempt = attempt.next(&decision, started.elapsed());
            }
        }
    }

    /// The request to send on `attempt`, and whether `request` is left to send again:
    /// the request itself, a clone left in its place for a re-send; nothing left on the
    /// last attempt the policy allows, which it never retries nor refreshes
    /// (`RetryPolicy::decide` stops first), or when it cannot be cloned (a streamed body).
    fn copy(&self, request: &mut Request, attempt: &Attempt) -> (Request, bool) {
        let copy =
            if attempt.number < self.policy.max_attempts { duplicate(request) } else { None };
        match copy {
            // The original goes out and the clone stays: a cloned header map has no room
            // to spare (its entries are allocated to fit), and reqwest adds its default
            // headers to the request it sends, which would grow the clone's map again.
            Some(copy) => (std::mem::replace(request, copy), true),
            None => {
                let left = Request::new(request.method().clone(), request.url().clone());
                (std::mem::replace(request, left), false)
            }
        }
    }

    /// What to do before sending again on `decision`, or `None` when the answer stands:
    /// a stop, a request that cannot be sent again, or a refresh of a token this
    /// middleware did not set (`token`) or whose kind its source does not give.
    fn step(
        &self,
        decision: RetryDecision,
        resendable: bool,
        token: Option<&str>,
    ) -> Option<Step<'_>> {
        if !resendable {
            return None;
        }
        match decision {
            RetryDecision::Retry { after } => Some(Step::Wait(after)),
            RetryDecision::RefreshToken { .. } => match (&self.tokens, token) {
                (Some(source), Some(_)) if decision.refreshes(source.kind()) => {
                    Some(Step::Refresh(source.as_ref()))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// A copy of `request` to send again, or `None` when its body cannot be copied (a
/// stream): what `Request::try_clone` gives.
///
/// A request without a body is copied from its public parts (method, URL, headers,
/// version, timeout), which is all reqwest reads of a request when it sends one (reqwest
/// 0.13 reads its extensions only for the timeout, and sends none of them);
/// `try_clone` itself sets the copy's timeout through `timeout_mut`, which creates an
/// extension map and an entry even when there is no timeout, only to overwrite them with
/// the original's extensions: three allocations and their frees on every call, a tenth
/// of the middleware's cost on a success. A body is only copied by `try_clone` (a
/// shared buffer, no copy of its bytes), so a request with one goes through it.
fn duplicate(request: &Request) -> Option<Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(&timeout) = request.timeout() {
        *copy.timeout_mut() = Some(timeout);
    }
    Some(copy)
}

/// What the middleware does before sending a request again.
enum Step<'a> {
    /// Wait this long.
    Wait(Duration),
    /// Refresh the token from this source and set the fresh one.
    Refresh(&'a dyn TokenSource),
}

impl Step<'_> {
    /// The wait before the re-send, as the retry's log reports it.
    fn delay(&self) -> Duration {
        match self {
            Step::Wait(after) => *after,
            Step::Refresh(_) => Duration::ZERO,
        }
    }
}

/// A rate-limit answer on a paced lane: hold the API's other requests back for as long
/// as the platform asked (capped like the retry's own wait), else the retry's wait.
fn slow_down(lane: &Lane, diagnosis: &Diagnosis, decision: &RetryDecision, policy: &RetryPolicy) {
    if diagnosis.category() != Some(Category::RateLimited) {
        return;
    }
    let wait = match (diagnosis.retry_after_secs, decision) {
        (Some(secs), _) => Duration::from_secs(secs).min(policy.max_delay),
        (None, RetryDecision::Retry { after }) => *after,
        (None, _) => return,
    };
    lane.block_for(wait);
}

/// The documented API of a request, routed at most once per call and only when asked.
struct Routed {
    method: Option<catalog::Method>,
    api: Option<Option<&'static Api>>,
}

impl Routed {
    fn new(request: &Request) -> Routed {
        let method = match *request.method() {
            Method::GET => Some(catalog::Method::Get),
            Method::POST => Some(catalog::Method::Post),
            Method::PUT => Some(catalog::Method::Put),
            Method::PATCH => Some(catalog::Method::Patch),
            Method::DELETE => Some(catalog::Method::Delete),
            _ => None,
        };
        Routed { method, api: None }
    }

    /// The API, if it was routed already.
    fn routed(&self) -> Option<&'static Api> {
        self.api.flatten()
    }

    /// The API of the request's method and `url` (the same for every attempt).
    fn get(&mut self, url: &reqwest::Url) -> Option<&'static Api> {
        let method = self.method;
        *self.api.get_or_insert_with(|| method.and_then(|m| catalog::route(m, url.path())))
    }
}

fn log_retry(
    diagnosis: &Diagnosis,
    decision: &RetryDecision,
    delay: Duration,
    attempt: u32,
    request: &Request,
) {
    tracing::info!(
        target: "lark_errors_reqwest",
        code = diagnosis.code,
        category = diagnosis.category().map(|c| c.as_str()),
        decision = %decision,
        delay_ms = delay.as_millis() as u64,
        attempt,
        log_id = diagnosis.log_id.as_deref(),
        method = %request.method(),
        path = request.url().path(),
        "retrying a Feishu request"
    );
}

/// How long the middleware waits for a body to end before passing it on undiagnosed.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether to read `response`'s body and diagnose it: not a 2xx with a content type
/// other than JSON (a file download: the platform's errors are JSON), nor a body that
/// says it is longer than `limit`. Either is passed through unread. A body that turns
/// out longer, slower or broken is passed through undiagnosed: what was read, then the
/// rest (or the read's error).
fn readable(response: &Response, limit: usize) -> bool {
    if response.status().is_success() {
        // `application/json`, `application/problem+json`, any case; none means unknown.
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_none_or(|ct| mentions_json(ct.as_bytes()));
        if !json {
            return false;
        }
    }
    response.content_length().is_none_or(|n| n <= limit as u64)
}

/// Whether a content type says JSON (`application/json`, `application/problem+json`),
/// in any case.
fn mentions_json(content_type: &[u8]) -> bool {
    // The platform's own, checked first: a prefix compare instead of a walk.
    const USUAL: &[u8] = b"application/json";
    if content_type.get(..USUAL.len()).is_some_and(|p| p.eq_ignore_ascii_case(USUAL)) {
        return true;
    }
    content_type.windows(4).any(|w| w[0] | 0x20 == b'j' && w[1..].eq_ignore_ascii_case(b"son"))
}

/// The diagnosis of `response` whose body is `bytes`: routed to its API only when it is
/// not a success (the API's entries decide an error; a success needs none), unless
/// pacing routed it already.
fn diagnose(response: &Response, bytes: &[u8], api: &mut Routed) -> Diagnosis {
    let headers = HeaderMapHeaders(response.headers());
    let status = Some(response.status().as_u16());
    let diagnosis = Diagnoser::new().api(api.routed()).diagnose(status, &headers, bytes);
    if diagnosis.is_success() || api.api.is_some() {
        return diagnosis;
    }
    match api.get(response.url()) {
        Some(routed) => Diagnoser::new().api(Some(routed)).diagnose(status, &headers, bytes),
        None => diagnosis,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotent_methods() {
        for (method, idempotent) in [
            (Method::GET, true),
            (Method::HEAD, true),
            (Method::PUT, true),
            (Method::DELETE, true),
            (Method::OPTIONS, true),
            (Method::POST, false),
            (Method::PATCH, false),
        ] {
            assert_eq!(Idempotent::of(&method), Idempotent(idempotent), "{method}");
        }
    }

    /// The copy kept for a re-send is what `Request::try_clone` gives, in every part
    /// reqwest sends: with and without a timeout, a body, several values of one header.
    #[test]
    fn a_duplicate_is_what_try_clone_gives() {
        let client = reqwest::Client::new();
        let url = "https://open.feishu.cn/open-apis/im/v1/chats?page_size=20#frag";
        let requests = [
            client.get(url).bearer_auth("t-1").build(),
            client.get(url).timeout(Duration::from_millis(1500)).build(),
            client
                .delete(url)
                .header("x-a", "1")
                .header("x-a", "2")
                .header(header::CONTENT_TYPE, "application/json")
                .version(http::Version::HTTP_2)
                .build(),
            client
                .post(url)
                .body(r#"{"receive_id":"ou_1"}"#)
                .timeout(Duration::from_secs(3))
                .build(),
            client.post(url).body(Vec::<u8>::new()).build(),
        ];
        for request in requests {
            let request = request.unwrap();
            let (ours, theirs) = (duplicate(&request).unwrap(), request.try_clone().unwrap());
            for copy in [&ours, &theirs] {
                assert_eq!(copy.method(), request.method());
                assert_eq!(copy.url(), request.url());
                assert_eq!(copy.headers(), request.headers());
                assert_eq!(copy.version(), request.version());
                assert_eq!(copy.timeout(), request.timeout());
                let (copied, sent) = (copy.body(), request.body());
                assert_eq!(copied.map(|b| b.as_bytes()), sent.map(|b| b.as_bytes()));
            }
        }
        // A stream cannot be sent twice: no copy, as with `try_clone`.
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>("chunk")]);
        let request = client.post(url).body(reqwest::Body::wrap_stream(stream)).build().unwrap();
        assert!(duplicate(&request).is_none() && request.try_clone().is_none());
    }

    #[test]
    fn json_content_types_in_any_case() {
        for (ct, json) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/problem+json", true),
            ("text/x-json", true),
            ("json", true),
            ("jso", false),
            ("", false),
            ("application/octet-stream", false),
            ("text/plain", false),
            ("application/jsxn", false),
            ("image/jpeg; name=json.jpg", true),
        ] {
            assert_eq!(mentions_json(ct.as_bytes()), json, "{ct}");
        }
    }

    /// Why a 2xx JSON body is read and diagnosed: the pages document errors worth a
    /// retry that come with HTTP 200.
    #[test]
    fn a_2xx_can_carry_a_retryable_code() {
        let retryable_200 = lark_errors::catalog::api_entries()
            .iter()
            .filter(|e| e.http_status() == Some(200) && e.action().is_retryable())
            .count();
        assert!(retryable_200 > 0);
    }
}
