//! Small loopback servers for the tests: endpoints that misbehave in ways the mock does
//! not imitate (stalls, huge bodies, overflowing lifetimes) and a minimal OAuth endpoint.

#![allow(dead_code)] // each test file uses some of these

use std::future::Future;
use std::time::Duration;

/// Serves `router` on a loopback port; returns its base URL. The server lives as long
/// as the test's runtime.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// A server that accepts connections and never answers; counts the connections.
pub async fn silent() -> (String, std::sync::Arc<std::sync::atomic::AtomicU64>) {
    use std::sync::atomic::Ordering;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = std::sync::Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (format!("http://{addr}"), accepted)
}

/// `future`, or a test failure if it has not finished after `secs` seconds: a guard
/// against hangs (a generous bound, not a speed assertion).
pub async fn within<F: Future>(secs: u64, what: &str, future: F) -> F::Output {
    match tokio::time::timeout(Duration::from_secs(secs), future).await {
        Ok(output) => output,
        Err(_) => panic!("{what}: still waiting after {secs} s"),
    }
}

/// A minimal OAuth endpoint (`POST` [`wire::USER_ACCESS_TOKEN_PATH`], the refresh grant
/// as the page documents it) with single-use, rotating refresh tokens, and an API
/// (`GET /open-apis/authen/v1/user_info`) that accepts only the live access token.
pub mod oauth_server {
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};

    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode, header::AUTHORIZATION};
    use axum::routing::{get, post};
    use lark_errors::platform::{code, oauth, token as wire};
    use serde_json::{Value, json};

    pub const APP_ID: &str = "cli_oauth";
    pub const APP_SECRET: &str = "oauth_secret";
    pub const API_PATH: &str = "/open-apis/authen/v1/user_info";

    #[derive(Default)]
    pub struct Server {
        /// The one refresh token that works now.
        pub live_refresh: String,
        /// The access token the API accepts (`None`: it accepts none, as after expiry).
        pub live_access: Option<String>,
        pub used: HashSet<String>,
        pub rotations: u64,
        /// Refresh requests received.
        pub refresh_requests: u64,
        /// Codes to answer the next refresh requests with, first first.
        pub fail_next: Vec<u32>,
        /// The access token of each API request, in order.
        pub api_calls: Vec<String>,
        /// The API rejects every token with this code, when set.
        pub api_rejects_all: Option<u32>,
    }

    pub type Shared = Arc<Mutex<Server>>;

    /// Starts the server; the refresh token `r-0` is live.
    pub async fn start() -> (String, Shared) {
        let state: Shared =
            Arc::new(Mutex::new(Server { live_refresh: "r-0".to_owned(), ..Server::default() }));
        let router = axum::Router::new()
            .route(wire::USER_ACCESS_TOKEN_PATH, post(token))
            .route(API_PATH, get(api))
            .with_state(Arc::clone(&state));
        (super::serve(router).await, state)
    }

    fn refused(code: u32) -> (StatusCode, axum::Json<Value>) {
        let status = match code {
            oauth::SERVER_ERROR => StatusCode::INTERNAL_SERVER_ERROR,
            oauth::TEMPORARILY_UNAVAILABLE => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        let body = json!({"code": code, "error": "invalid_grant", "error_description": format!("refused with {code}")});
        (status, axum::Json(body))
    }

    async fn token(
        State(state): State<Shared>,
        axum::Json(grant): axum::Json<Value>,
    ) -> (StatusCode, axum::Json<Value>) {
        let mut s = state.lock().unwrap();
        s.refresh_requests += 1;
        let field = |name: &str| grant.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
        if field(wire::GRANT_TYPE) != wire::GRANT_REFRESH_TOKEN {
            return refused(20036);
        }
        if field(wire::CLIENT_ID) != APP_ID || field(wire::CLIENT_SECRET) != APP_SECRET {
            return refused(20002);
        }
        if !s.fail_next.is_empty() {
            let code = s.fail_next.remove(0);
            return refused(code);
        }
        let presented = field(wire::REFRESH_TOKEN);
        if s.used.contains(&presented) {
            return refused(oauth::REFRESH_TOKEN_USED);
        }
        if presented != s.live_refresh {
            return refused(oauth::REFRESH_TOKEN_INVALID);
        }
        s.rotations += 1;
        let n = s.rotations;
        let old = std::mem::replace(&mut s.live_refresh, format!("r-{n}"));
        s.used.insert(old);
        s.live_access = Some(format!("u-{n}"));
        let mut body = serde_json::Map::new();
        body.insert("code".into(), code::OK.into());
        body.insert(wire::ACCESS_TOKEN.into(), format!("u-{n}").into());
        body.insert(wire::EXPIRES_IN.into(), 7200.into());
        body.insert(wire::REFRESH_TOKEN.into(), s.live_refresh.clone().into());
        body.insert(wire::REFRESH_TOKEN_EXPIRES_IN.into(), 604_800.into());
        body.insert("token_type".into(), "Bearer".into());
        (StatusCode::OK, axum::Json(Value::Object(body)))
    }

    async fn api(
        State(state): State<Shared>,
        headers: HeaderMap,
    ) -> (StatusCode, axum::Json<Value>) {
        let mut s = state.lock().unwrap();
        let presented = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("")
            .to_owned();
        s.api_calls.push(presented.clone());
        let rejected = s.api_rejects_all.or_else(|| {
            (s.live_access.as_deref() != Some(presented.as_str()))
                .then_some(code::USER_ACCESS_TOKEN_EXPIRED)
        });
        match rejected {
            Some(code) => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"code": code, "msg": "Authentication token expired"})),
            ),
            None => (StatusCode::OK, axum::Json(json!({"code": 0, "msg": "success", "data": {}}))),
        }
    }
}
