//! Hardening over loopback: token endpoints that misbehave, bodies that are huge or
//! stall, a rate-limit reset of 0. Each test failed (panicked, hung, or spun) before the
//! behaviour it checks was in. Times appear only as generous guards against hangs and as
//! lower bounds.

mod support;

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream;
use lark_errors::platform::{code, header, token as wire};
use lark_errors::retry::{Attempt, Idempotency, RetryDecision, RetryPolicy};
use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, ResponseExt, TokenError, TokenSource};
use reqwest_middleware::ClientBuilder;
use support::{serve, silent, within};

/// A tenant-token endpoint answering `{"code":0, tenant_access_token, expire}`, counting
/// its requests.
async fn token_endpoint(expire: serde_json::Value) -> (String, Arc<AtomicU64>) {
    let hits = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&hits);
    let router = axum::Router::new().route(
        wire::TENANT_ACCESS_TOKEN_PATH,
        post(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let mut body = serde_json::Map::new();
            body.insert("code".into(), code::OK.into());
            body.insert(wire::TENANT_ACCESS_TOKEN.into(), format!("t-{n}").into());
            body.insert(wire::EXPIRE.into(), expire.clone());
            async move { axum::Json(body) }
        }),
    );
    (serve(router).await, hits)
}

#[tokio::test]
async fn an_expire_too_large_for_the_clock_is_a_token_error_not_a_panic() {
    let (base, hits) = token_endpoint(u64::MAX.into()).await;
    let source = AppTokenSource::tenant(&base, "cli_x", "secret");
    match source.token().await {
        Err(TokenError::Malformed(why)) => assert!(why.contains("out of range"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn expire_zero_is_cached_briefly_not_fetched_per_call() {
    let (base, hits) = token_endpoint(0.into()).await;
    let source = AppTokenSource::tenant(&base, "cli_x", "secret");
    let first = source.token().await.unwrap();
    for _ in 0..20 {
        assert_eq!(source.token().await.unwrap(), first);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1, "one fetch, not one per call");
    assert_eq!(source.fetches(), 1);
    // A rejected token is still refreshed at once, floor or not.
    assert_ne!(source.refresh(&first).await.unwrap(), first);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_token_endpoint_that_never_answers_times_out_for_every_caller() {
    let (base, connections) = silent().await;
    assert_eq!(AppTokenSource::tenant(&base, "a", "b").timeout(), Duration::from_secs(10));
    let source = Arc::new(
        AppTokenSource::tenant(&base, "cli_x", "secret").with_timeout(Duration::from_millis(200)),
    );
    // Five callers at once: one fetch, and all five get its timeout (not five timeouts
    // one after the other).
    let callers: Vec<_> = (0..5)
        .map(|_| {
            let source = Arc::clone(&source);
            tokio::spawn(async move { source.token().await })
        })
        .collect();
    for caller in callers {
        let result = within(30, "a token caller", caller).await.unwrap();
        assert!(matches!(result, Err(TokenError::Timeout(t)) if t == Duration::from_millis(200)));
    }
    assert_eq!(source.fetches(), 1);
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // Through the middleware: a middleware error that says so, not a hang.
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(LarkMiddleware::new().with_shared_token_source(source))
        .build();
    let err = within(30, "a request", client.get(format!("{base}/open-apis/x")).send())
        .await
        .unwrap_err();
    assert!(matches!(TokenError::of(&err), Some(TokenError::Timeout(_))), "{err}");
}

/// A client with the middleware and no token source.
fn plain_client(
    mw: LarkMiddleware,
    client: reqwest::Client,
) -> reqwest_middleware::ClientWithMiddleware {
    ClientBuilder::new(client).with(mw).build()
}

#[tokio::test]
async fn a_body_over_the_limit_is_streamed_through_intact_and_undiagnosed() {
    // 100 KiB now, 1 MiB more only when the test says so: if the middleware read the
    // whole body before returning, `send` would never return.
    let release = Arc::new(Mutex::new(None::<tokio::sync::oneshot::Receiver<()>>));
    let (tx, rx) = tokio::sync::oneshot::channel();
    *release.lock().unwrap() = Some(rx);
    let hits = Arc::new(AtomicU64::new(0));
    let (gate, counter) = (Arc::clone(&release), Arc::clone(&hits));
    let router = axum::Router::new().route(
        "/open-apis/big",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let rx = gate.lock().unwrap().take();
            async move {
                let head = stream::iter([Ok::<_, Infallible>(Bytes::from(vec![b'x'; 100 << 10]))]);
                let tail = stream::once(async move {
                    if let Some(rx) = rx {
                        let _ = rx.await;
                    }
                    Ok(Bytes::from(vec![b'y'; 1 << 20]))
                });
                let body = Body::from_stream(head.chain(tail));
                (StatusCode::INTERNAL_SERVER_ERROR, [(CONTENT_TYPE, "application/json")], body)
            }
        }),
    );
    let base = serve(router).await;
    let client = plain_client(LarkMiddleware::new(), reqwest::Client::new());
    let response =
        within(30, "send", client.get(format!("{base}/open-apis/big")).send()).await.unwrap();
    assert_eq!(response.status(), 500);
    assert!(response.diagnosis().is_none(), "not diagnosed from a cut body");
    assert!(response.attempts().is_none());
    tx.send(()).unwrap();
    let body = within(30, "body", response.bytes()).await.unwrap();
    assert_eq!(body.len(), (100 << 10) + (1 << 20), "every byte reaches the caller");
    assert!(body[..100 << 10].iter().all(|&b| b == b'x'));
    assert!(body[100 << 10..].iter().all(|&b| b == b'y'));
    assert_eq!(hits.load(Ordering::SeqCst), 1, "an undiagnosed 500 is not retried");
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_not_read_and_a_small_chunked_error_is() {
    let scopes_error = r#"{"code":99991672,"msg":"Access denied. One of the following scopes is required: [im:chat]","error":{"permission_violations":[{"subject":"im:chat"}]}}"#;
    let router = axum::Router::new()
        .route(
            "/open-apis/long",
            get(|| async { (StatusCode::BAD_REQUEST, vec![b'{'; 200 << 10]) }),
        )
        .route(
            "/open-apis/chunked",
            get(move || async move {
                let parts: Vec<Result<Bytes, Infallible>> = scopes_error
                    .as_bytes()
                    .chunks(16)
                    .map(|c| Ok(Bytes::copy_from_slice(c)))
                    .collect();
                (StatusCode::BAD_REQUEST, Body::from_stream(stream::iter(parts)))
            }),
        );
    let base = serve(router).await;
    let client =
        plain_client(LarkMiddleware::new().with_diagnosis_limit(64 << 10), reqwest::Client::new());
    let long = client.get(format!("{base}/open-apis/long")).send().await.unwrap();
    assert_eq!(long.content_length(), Some(200 << 10));
    assert!(long.diagnosis().is_none());
    assert_eq!(long.bytes().await.unwrap().len(), 200 << 10);

    let chunked = client.get(format!("{base}/open-apis/chunked")).send().await.unwrap();
    let d = chunked.diagnosis().expect("a small body in many chunks is diagnosed").clone();
    assert_eq!(d.code, Some(i64::from(code::SCOPE_MISSING)));
    assert_eq!(d.missing_scopes, ["im:chat"]);
    assert_eq!(chunked.text().await.unwrap(), scopes_error);
}

/// A server that sends headers and the first bytes of a body, then nothing.
async fn stalling() -> String {
    let router = axum::Router::new().route(
        "/open-apis/stall",
        get(|| async {
            let head = stream::iter([Ok::<_, Infallible>(Bytes::from_static(b"{\"code\":"))]);
            let body = Body::from_stream(head.chain(stream::pending()));
            (StatusCode::BAD_REQUEST, body).into_response()
        }),
    );
    serve(router).await
}

#[tokio::test]
async fn a_stalled_body_is_passed_on_after_the_read_timeout() {
    let base = stalling().await;
    let client = plain_client(
        LarkMiddleware::new().with_read_timeout(Duration::from_millis(300)),
        reqwest::Client::new(),
    );
    let response =
        within(30, "send", client.get(format!("{base}/open-apis/stall")).send()).await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.diagnosis().is_none());
    // The bytes read so far are still the body's first bytes.
    let mut response = response;
    let first = within(30, "chunk", response.chunk()).await.unwrap().unwrap();
    assert_eq!(&first[..], b"{\"code\":");
}

#[tokio::test]
async fn a_stalled_body_ends_at_the_clients_own_timeout_as_with_plain_reqwest() {
    let base = stalling().await;
    let reqwest_client =
        reqwest::Client::builder().timeout(Duration::from_millis(500)).build().unwrap();
    // The middleware's own read timeout (10 s by default) is far longer: the client's
    // ends the read, well inside the guard.
    let client = plain_client(LarkMiddleware::new(), reqwest_client.clone());
    let url = format!("{base}/open-apis/stall");
    let response = within(8, "send", client.get(&url).send()).await.unwrap();
    assert!(response.diagnosis().is_none());
    let err = within(8, "body", response.bytes()).await.unwrap_err();
    // Plain reqwest: `send` returns, reading the body fails the same way.
    let plain = within(8, "plain send", reqwest_client.get(&url).send()).await.unwrap();
    let plain_err = within(8, "plain body", plain.bytes()).await.unwrap_err();
    assert_eq!(err.is_timeout(), plain_err.is_timeout(), "{err:?} vs {plain_err:?}");
    assert!(err.is_body() || err.is_timeout() || err.is_decode(), "{err:?}");
}

/// `x-ogw-ratelimit-reset: 0` on a 99991400, `limited` times, then success; the send
/// times.
async fn reset_zero(limited: usize) -> (String, Arc<Mutex<Vec<Instant>>>) {
    let sends = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&sends);
    let router = axum::Router::new().route(
        "/open-apis/limited",
        get(move || {
            let n = {
                let mut log = log.lock().unwrap();
                log.push(Instant::now());
                log.len()
            };
            async move {
                let mut response: Response = if n <= limited {
                    let body = format!(
                        r#"{{"code":{},"msg":"request trigger frequency limit"}}"#,
                        code::FREQUENCY_LIMIT
                    );
                    (StatusCode::TOO_MANY_REQUESTS, body).into_response()
                } else {
                    r#"{"code":0,"msg":"success","data":{}}"#.into_response()
                };
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                headers.insert(header::RATELIMIT_RESET, HeaderValue::from_static("0"));
                response
            }
        }),
    );
    (serve(router).await, sends)
}

#[tokio::test]
async fn a_reset_of_zero_waits_the_policys_minimum_between_sends() {
    let (base, sends) = reset_zero(3).await;
    let policy = RetryPolicy::default();
    // What the policy decides for this response with the least jitter: the floor.
    let headers = [(header::RATELIMIT_RESET, "0")];
    let body =
        format!(r#"{{"code":{},"msg":"request trigger frequency limit"}}"#, code::FREQUENCY_LIMIT);
    let diagnosis = lark_errors::diagnose(Some(429), &headers[..], body.as_bytes());
    let RetryDecision::Retry { after: floor } =
        policy.decide(&diagnosis, &Attempt::first(Idempotency::Idempotent), &mut || 0.0)
    else {
        panic!("99991400 is retried");
    };
    assert!(floor > Duration::ZERO, "a reset of 0 must not mean no wait at all");

    let client = plain_client(
        LarkMiddleware::new().with_policy(policy.clone()).with_jitter(|| 0.0),
        reqwest::Client::new(),
    );
    let response =
        within(60, "send", client.get(format!("{base}/open-apis/limited")).send()).await.unwrap();
    assert!(response.diagnosis().unwrap().is_success());
    assert_eq!(response.attempts().unwrap().sent, 4);
    let sends = sends.lock().unwrap().clone();
    assert_eq!(sends.len(), 4);
    for pair in sends.windows(2) {
        assert!(pair[1] - pair[0] >= floor, "sends {:?} apart, floor {floor:?}", pair[1] - pair[0]);
    }
}

/// A server answering `GET /typed/{kind}` with an error body (so a diagnosis shows that
/// it was read) under the content type `kind` names.
async fn typed() -> String {
    let router = axum::Router::new().route(
        "/typed/{kind}",
        get(|axum::extract::Path(kind): axum::extract::Path<String>| async move {
            let body = format!(r#"{{"code":{},"msg":"internal error"}}"#, code::FREQUENCY_LIMIT);
            let mut response = (StatusCode::OK, body).into_response();
            let headers = response.headers_mut();
            headers.remove(CONTENT_TYPE);
            let content_type = match kind.as_str() {
                "json" => Some("application/json"),
                "json-charset" => Some("Application/JSON; charset=utf-8"),
                "problem" => Some("application/problem+json"),
                "bytes" => Some("application/octet-stream"),
                "text" => Some("text/plain; charset=utf-8"),
                _ => None,
            };
            if let Some(ct) = content_type {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
            }
            headers.insert(header::LOG_ID, HeaderValue::from_static("log-typed"));
            response
        }),
    );
    serve(router).await
}

/// A 2xx is read and diagnosed when it is JSON (any case, any `+json`) or says nothing of
/// its type; a 2xx of another type (a file download) is passed through unread. Either
/// way the caller gets the status, headers, URL and body the server sent.
#[tokio::test]
async fn a_2xx_is_read_when_json_or_untyped_and_passed_through_otherwise() {
    let base = typed().await;
    let policy = RetryPolicy::default().with_max_attempts(1);
    let client = plain_client(LarkMiddleware::new().with_policy(policy), reqwest::Client::new());
    for (kind, read) in [
        ("json", true),
        ("json-charset", true),
        ("problem", true),
        ("none", true),
        ("bytes", false),
        ("text", false),
    ] {
        let url = format!("{base}/typed/{kind}");
        let response = within(10, kind, client.get(&url).send()).await.unwrap();
        assert_eq!(response.diagnosis().is_some(), read, "{kind}");
        if read {
            let d = response.diagnosis().unwrap();
            assert_eq!(d.code, Some(i64::from(code::FREQUENCY_LIMIT)), "{kind}");
            assert_eq!(d.log_id.as_deref(), Some("log-typed"), "{kind}");
            assert_eq!(d.http_status, Some(200), "{kind}");
        }
        assert_eq!(response.status(), StatusCode::OK, "{kind}");
        assert_eq!(response.url().as_str(), url, "{kind}");
        assert_eq!(response.version(), reqwest::Version::HTTP_11, "{kind}");
        assert_eq!(response.headers()[header::LOG_ID], "log-typed", "{kind}");
        // The connection's own extension, which reqwest's `remote_addr` reads, is kept.
        assert!(response.remote_addr().is_some_and(|a| a.ip().is_loopback()), "{kind}");
        let body = response.text().await.unwrap();
        assert!(body.contains(&code::FREQUENCY_LIMIT.to_string()), "{kind}: {body}");
    }
}

/// A server answering `GET /ports/{sized|chunked}` with a success body (with a
/// `Content-Length`, or streamed without one), recording the client port of each
/// request.
async fn port_recorder() -> (String, Arc<Mutex<Vec<u16>>>) {
    use axum::extract::{ConnectInfo, Path};
    let ports = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&ports);
    let router = axum::Router::new().route(
        "/ports/{kind}",
        get(
            move |ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
                  Path(kind): Path<String>| {
                log.lock().unwrap().push(peer.port());
                async move {
                    let success = r#"{"code":0,"msg":"success","data":{}}"#;
                    let body = match kind.as_str() {
                        "sized" => Body::from(success),
                        _ => Body::from_stream(stream::iter([Ok::<_, Infallible>(Bytes::from(
                            success,
                        ))])),
                    };
                    let mut response = Response::new(body);
                    response
                        .headers_mut()
                        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    response
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    (format!("http://{addr}"), ports)
}

/// The middleware reads a body to its end (a sized one by its count, a streamed one to
/// the last frame), so the connection goes back to the pool: sequential calls share one.
#[tokio::test]
async fn bodies_read_for_diagnosis_leave_the_connection_reusable() {
    let (base, ports) = port_recorder().await;
    let client = plain_client(LarkMiddleware::new(), reqwest::Client::new());
    for kind in ["sized", "chunked"] {
        ports.lock().unwrap().clear();
        for _ in 0..20 {
            let response =
                within(10, kind, client.get(format!("{base}/ports/{kind}")).send()).await.unwrap();
            assert!(response.diagnosis().unwrap().is_success(), "{kind}");
            assert_eq!(response.text().await.unwrap(), r#"{"code":0,"msg":"success","data":{}}"#);
        }
        let mut seen = ports.lock().unwrap().clone();
        assert_eq!(seen.len(), 20, "{kind}");
        seen.dedup();
        assert_eq!(seen.len(), 1, "{kind}: one connection for sequential calls");
    }
}
