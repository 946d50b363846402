//! A mock Feishu / Lark Open API server that behaves like the platform where errors are
//! concerned, so clients can be tested against the documented error codes.
//!
//! - `POST /open-apis/auth/v3/tenant_access_token/internal` and
//!   `.../app_access_token/internal` issue `t-...` / `a-...` tokens to the configured
//!   apps, with `expire` the seconds left: the same token again until less than 30
//!   minutes of its life remain, as the platform does. Bad credentials get the
//!   platform's answer, HTTP 200 with a nonzero code (10003 invalid parameter for a
//!   missing or unknown app id, 10014 app unauthorized for a disabled app, 10015 wrong
//!   app secret).
//! - `POST /open-apis/authen/v2/oauth/token` (`grant_type=refresh_token`) exchanges a
//!   configured user's refresh token for a user_access_token (`u-...`) and a new,
//!   single-use refresh token, with the OAuth errors of its page (20073 reused, 20064
//!   revoked, 20037 expired, 20026 invalid, ...); an expired user token gets 99991677.
//! - Every documented API (method and path template of `lark_errors::apis()`, routed
//!   with `lark_errors::route`) is a business endpoint: no `Authorization` header gives
//!   99991661, a token never issued or past its TTL gives 99991663 (HTTP 400); otherwise
//!   `{"code":0,"msg":"success","data":{}}`. A path under `/open-apis/` that no API has
//!   gets the gateway's 404, 99991201 `resource not find`, in the same JSON shape.
//! - Each API is limited per app (the app its token was issued to) by its documented
//!   tier, every window at once (`RateLimit::windows`), unless `rate_limits = "off"` or
//!   an `api_limits` entry replaces the tier: HTTP 429, 99991400, with
//!   `X-Ogw-Ratelimit-Limit` and `X-Ogw-Ratelimit-Reset` (the seconds truly left in the
//!   window, rounded up). Header names go out in the canonical case the platform's
//!   gateway uses (`X-Tt-Logid`, `Content-Type`): some SDKs look them up
//!   case-sensitively.
//! - Fault rules answer chosen requests (an API, or a path pattern) with a documented
//!   code: on the nth request, every request, or with a seeded probability. Bodies,
//!   statuses and messages come from the API's own entry of the code (else the generic
//!   one), placeholders filled, with `error.log_id`, `error.troubleshooter` and, for
//!   scope errors, the API's documented scopes in the msg and in
//!   `error.permission_violations`; a sub-code renders inside its parent's msg
//!   (`ext=ErrCode: N; ErrMsg: ...`); a 99991400 rule also sends the rate-limit headers.
//!   Every response carries `X-Tt-Logid`.
//! - Requests per path and per API, token fetches, user-token refreshes and codes
//!   answered are counted ([`Stats`], also at `GET /_mock/stats`; the routes and their
//!   windows are at `GET /_mock/apis`) and kept in a bounded log ([`MockServer::requests`]); with a
//!   [`RequestLog`] each request is also written as a line, by a thread of its own.
//! - Memory is bounded (paths counted, tokens, windows), slow clients are cut off after
//!   `server.header_read_timeout_secs`, and a body over `server.max_body_bytes` gets
//!   90227 in the platform's JSON shape.
//!
//! The configuration format is documented in [`config`].
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use lark_errors_mock::{Config, FaultRule, MockServer, TENANT_TOKEN_PATH};
//!
//! let config = Config {
//!     faults: vec![FaultRule::new("/open-apis/contact/*", 99991672).scopes(["contact:user.base:readonly"])],
//!     ..Config::default()
//! };
//! let mock = MockServer::start(config).await?; // 127.0.0.1, a free port
//! let http = reqwest::Client::new();
//! let token: serde_json::Value = http
//!     .post(mock.url(TENANT_TOKEN_PATH))
//!     .json(&serde_json::json!({"app_id": "cli_mock", "app_secret": "mock_secret"}))
//!     .send().await?.json().await?;
//! let token = token["tenant_access_token"].as_str().unwrap();
//!
//! let denied = http.get(mock.url("/open-apis/contact/v3/users/ou_1")).bearer_auth(token).send().await?;
//! assert_eq!(denied.status(), 400);
//! let body: serde_json::Value = denied.json().await?;
//! assert_eq!(body["code"], 99991672);
//! assert_eq!(body["error"]["permission_violations"][0]["subject"], "contact:user.base:readonly");
//!
//! assert_eq!(mock.stats().token_fetches, 1);
//! mock.shutdown().await;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
mod log;
mod rng;
mod server;
mod stats;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{
    ApiLimit, AppConfig, Config, ConfigError, FaultRule, RateLimitConfig, RateLimits, ServerConfig,
    TokenConfig, UserConfig,
};
pub use log::RequestLog;
pub use server::{APIS_PATH, APP_TOKEN_PATH, STATS_PATH, TENANT_TOKEN_PATH, USER_TOKEN_PATH};
pub use stats::{RequestRecord, Stats};

use server::Shared;

/// A running mock server. Dropping it stops the server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("config", &self.config).finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on `127.0.0.1` at a free port (for tests).
    ///
    /// Must be called inside a Tokio runtime; the server runs as a task of it.
    pub async fn start(config: Config) -> io::Result<MockServer> {
        MockServer::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a server on `addr` (port 0 picks a free port; see [`MockServer::addr`]).
    ///
    /// The configuration is validated first; an invalid one is an
    /// [`io::ErrorKind::InvalidInput`] error.
    pub async fn bind(config: Config, addr: SocketAddr) -> io::Result<MockServer> {
        MockServer::bind_inner(config, addr, None).await
    }

    /// [`MockServer::bind`], writing a line per request to `log` (which never makes the
    /// server wait: see [`RequestLog`]).
    pub async fn bind_logged(
        config: Config,
        addr: SocketAddr,
        log: RequestLog,
    ) -> io::Result<MockServer> {
        MockServer::bind_inner(config, addr, Some(log)).await
    }

    async fn bind_inner(
        config: Config,
        addr: SocketAddr,
        log: Option<RequestLog>,
    ) -> io::Result<MockServer> {
        config.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let header_timeout = Duration::from_secs(config.server.header_read_timeout_secs);
        let shared = Arc::new(Shared::new(config, log));
        let app = axum::Router::new().fallback(server::handle).with_state(Arc::clone(&shared));
        let (tx, mut rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let graceful = GracefulShutdown::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((tcp, _)) = accepted else {
                            // Out of file descriptors, or a connection reset before it
                            // was accepted: let the moment pass, keep serving.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        };
                        // Small JSON replies: do not let Nagle's algorithm hold them back.
                        let _ = tcp.set_nodelay(true);
                        // hyper directly, not `axum::serve`: that is where the wire case
                        // of header names and the header read timeout are chosen.
                        let mut http = hyper::server::conn::http1::Builder::new();
                        http.timer(TokioTimer::new())
                            .header_read_timeout(header_timeout)
                            .title_case_headers(true);
                        let conn = http.serve_connection(
                            TokioIo::new(tcp),
                            TowerToHyperService::new(app.clone()),
                        );
                        let conn = graceful.watch(conn);
                        tokio::spawn(async move {
                            let _ = conn.await;
                        });
                    }
                    _ = &mut rx => break,
                }
            }
            graceful.shutdown().await;
            Ok(())
        });
        Ok(MockServer { addr, shared, shutdown: Some(tx), task: Some(task) })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL of `path` (which starts with `/`) on this server.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let mock = lark_errors_mock::MockServer::start(Default::default()).await?;
    /// assert!(mock.url(lark_errors_mock::TENANT_TOKEN_PATH).starts_with("http://127.0.0.1:"));
    /// # Ok(()) }
    /// ```
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The configuration the server runs with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// The requests answered so far, oldest first (the last 10,000).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests()
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for that.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Runs until the server is stopped (it keeps serving through accept errors).
    pub async fn wait(mut self) -> io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Runs a mock server on `addr`, logging the address and each request to standard error
/// (uncoloured, never blocking: see [`RequestLog`]).
///
/// The `larkerr mock` command is this, with a banner, colour choice and Ctrl-C handling:
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = lark_errors_mock::Config::from_file("mock.toml")?;
/// let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 8080));
/// tokio::select! {
///     result = lark_errors_mock::serve(config, addr) => result?,
///     _ = tokio::signal::ctrl_c() => {}
/// }
/// # Ok(()) }
/// ```
pub async fn serve(config: Config, addr: SocketAddr) -> io::Result<()> {
    let log = RequestLog::stderr(false);
    let server = MockServer::bind_logged(config, addr, log.clone()).await?;
    log.line(format!("mock Feishu Open API listening on {}", server.base_url()));
    server.wait().await
}
