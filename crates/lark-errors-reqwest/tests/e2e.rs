//! End to end over loopback: the middleware against the mock Feishu server.
//!
//! Assertions are on counts, order and the mock's request log; times only as lower
//! bounds (a wait at least as long as the platform asked for).

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lark_errors::platform::{code, oauth};
use lark_errors::retry::RetryPolicy;
use lark_errors::{Action, Category};
use lark_errors_mock::{
    Config, FaultRule, MockServer, RateLimitConfig, TENANT_TOKEN_PATH, UserConfig,
};
use lark_errors_reqwest::{
    AppTokenSource, LarkMiddleware, ResponseExt, StoreError, TokenError, TokenSource,
    UserTokenSource, UserTokens,
};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};

/// Short delays so the suite stays fast; rate-limit waits come from the mock's headers.
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_base_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_secs(5))
        .with_min_delay(Duration::ZERO)
        .with_budget(Some(Duration::from_secs(30)))
}

fn tokens(mock: &MockServer) -> Arc<AppTokenSource> {
    Arc::new(AppTokenSource::tenant(mock.base_url(), "cli_mock", "mock_secret"))
}

fn client(source: Arc<AppTokenSource>) -> ClientWithMiddleware {
    let mw = LarkMiddleware::new().with_policy(policy()).with_shared_token_source(source);
    ClientBuilder::new(reqwest::Client::new()).with(mw).build()
}

/// Body code of a response, and the response's diagnosis success.
async fn code_of(response: reqwest::Response) -> i64 {
    let diagnosed = response.diagnosis().expect("diagnosed").is_success();
    let body: serde_json::Value = response.json().await.unwrap();
    let code = body["code"].as_i64().unwrap();
    assert_eq!(diagnosed, code == 0);
    code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_waits_out_each_429_by_its_reset_header() {
    let config = Config {
        rate_limit: Some(RateLimitConfig { requests: 2, window_secs: 1 }),
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = client(tokens(&mock));
    let path = "/open-apis/im/v1/chats";
    for _ in 0..6 {
        let response = client.get(mock.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(code_of(response).await, 0);
    }
    let log: Vec<_> = mock.requests().into_iter().filter(|r| r.path == path).collect();
    let limited: Vec<_> = log.iter().enumerate().filter(|(_, r)| r.code == 99991400).collect();
    assert!(!limited.is_empty(), "2 per second, 6 calls: the limit was hit");
    assert_eq!(log.len(), 6 + limited.len(), "each 429 cost exactly one extra request");
    for (i, r) in limited {
        assert_eq!(r.status, 429);
        let reset = Duration::from_secs(r.reset_secs.expect("reset header"));
        let next = &log[i + 1];
        assert_eq!(next.code, 0, "the request after a waited-out 429 succeeds");
        assert!(next.at - r.at >= reset, "waited {:?}, reset said {reset:?}", next.at - r.at);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_token_is_refreshed_once_and_concurrent_callers_share_one_fetch() {
    let mut config = Config::default();
    // Tokens die after 1 s while clients are told 3600 s: the client's cache goes stale,
    // as when the platform invalidates tokens early.
    config.tokens.ttl_secs = 1;
    config.tokens.expire_secs = Some(3600);
    let mock = MockServer::start(config).await.unwrap();
    let source = tokens(&mock);
    let client = client(Arc::clone(&source));
    let path = "/open-apis/im/v1/chats";

    let first = client.get(mock.url(path)).send().await.unwrap();
    assert_eq!(first.attempts().unwrap().token_refreshes, 0);
    assert_eq!(code_of(first).await, 0);
    assert_eq!(mock.stats().token_fetches, 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let after_expiry = client.get(mock.url(path)).send().await.unwrap();
    let attempts = after_expiry.attempts().unwrap();
    assert_eq!((attempts.sent, attempts.token_refreshes), (2, 1));
    assert_eq!(code_of(after_expiry).await, 0);
    assert_eq!(mock.stats().token_fetches, 2);
    let codes: Vec<i64> =
        mock.requests().iter().filter(|r| r.path == path).map(|r| r.code).collect();
    assert_eq!(codes, [0, 99991663, 0], "99991663 once, then success with the new token");

    // 20 callers at once, all holding the now stale token: one fetch between them.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            let url = mock.url(path);
            tokio::spawn(async move { code_of(client.get(url).send().await.unwrap()).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), 0);
    }
    assert_eq!(mock.stats().token_fetches, 3, "exactly one fetch for 20 concurrent callers");
    assert_eq!(source.fetches(), 3);
    let stale = mock.stats().responses_with(99991663);
    assert!((2..=21).contains(&stale), "{stale}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_cache_is_refilled_by_one_fetch_for_concurrent_callers() {
    let mut config = Config::default();
    config.tokens.ttl_secs = 1; // and told so: the client refreshes before using it stale
    let mock = MockServer::start(config).await.unwrap();
    let source = tokens(&mock);
    let client = client(Arc::clone(&source));
    let url = mock.url("/open-apis/im/v1/chats");
    assert_eq!(code_of(client.get(&url).send().await.unwrap()).await, 0);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move { code_of(client.get(url).send().await.unwrap()).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), 0);
    }
    assert_eq!(mock.stats().token_fetches, 2);
    assert_eq!(mock.stats().responses_with(99991663), 0);
}

#[tokio::test]
async fn missing_scope_is_returned_untouched_after_one_request() {
    let scopes = ["contact:user.base:readonly", "contact:user.email:readonly"];
    let config = Config {
        faults: vec![FaultRule::new("/open-apis/contact/*", 99991672).scopes(scopes)],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = client(tokens(&mock));
    let path = "/open-apis/contact/v3/users/ou_1";
    let response = client.get(mock.url(path)).send().await.unwrap();

    assert_eq!(response.status(), 400);
    assert_eq!(response.url().path(), path, "the URL survives the rebuilt response");
    let d = response.diagnosis().unwrap().clone();
    assert_eq!(response.attempts().unwrap().sent, 1);
    assert_eq!(d.code, Some(99991672));
    assert_eq!(
        (d.category(), d.action()),
        (Some(Category::Permission), Some(Action::RequestScope))
    );
    assert_eq!(d.missing_scopes, scopes);
    let header_log_id = response.headers()["x-tt-logid"].to_str().unwrap().to_owned();
    assert_eq!(d.log_id.as_deref(), Some(header_log_id.as_str()));
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], 99991672);
    assert_eq!(body["error"]["log_id"], header_log_id.as_str());
    assert_eq!(body["error"]["permission_violations"].as_array().unwrap().len(), 2);
    assert_eq!(mock.stats().requests_to(path), 1);
}

#[tokio::test]
async fn streaming_body_is_sent_once_and_returned_as_is() {
    let config = Config {
        faults: vec![FaultRule::new("/open-apis/im/v1/files", 99991400)],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = client(tokens(&mock));
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
        vec![Ok(bytes::Bytes::from_static(b"{\"a\":")), Ok(bytes::Bytes::from_static(b"1}"))];
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let response = client.post(mock.url("/open-apis/im/v1/files")).body(body).send().await.unwrap();
    // 99991400 is retryable for any request, but a stream cannot be sent again.
    assert_eq!(response.status(), 429);
    assert_eq!(response.attempts().unwrap().sent, 1);
    assert_eq!(response.diagnosis().unwrap().action(), Some(Action::WaitAndRetry));
    assert_eq!(code_of(response).await, 99991400);
    assert_eq!(mock.stats().requests_to("/open-apis/im/v1/files"), 1);
}

#[tokio::test]
async fn a_token_set_by_the_caller_is_never_refreshed() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let source = tokens(&mock);
    let client = client(Arc::clone(&source));
    let response = client
        .get(mock.url("/open-apis/im/v1/chats"))
        .bearer_auth("t-the-callers-own")
        .send()
        .await
        .unwrap();
    assert_eq!(response.diagnosis().unwrap().action(), Some(Action::RefreshToken));
    assert_eq!(response.attempts().unwrap().sent, 1);
    assert_eq!(code_of(response).await, 99991663);
    assert_eq!(source.fetches(), 0);
}

#[tokio::test]
async fn token_endpoint_errors_are_middleware_errors_with_the_diagnosis() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let source = AppTokenSource::tenant(mock.base_url(), "cli_mock", "wrong secret");
    match source.token().await {
        Err(lark_errors_reqwest::TokenError::Rejected(d)) => {
            assert_eq!(d.code, Some(10015));
            assert!(d.known());
        }
        other => panic!("{other:?}"),
    }
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(LarkMiddleware::new().with_token_source(source))
        .build();
    let err = client.get(mock.url("/open-apis/im/v1/chats")).send().await.unwrap_err();
    assert!(err.is_middleware());
    assert!(err.to_string().contains("10015"), "{err}");
    assert_eq!(mock.stats().requests_to("/open-apis/im/v1/chats"), 0);
    assert_eq!(mock.stats().requests_to(TENANT_TOKEN_PATH), 2);
}

#[tokio::test]
async fn success_passes_through_intact() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let client = client(tokens(&mock));
    let response = client.put(mock.url("/open-apis/im/v1/chats/oc_1")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-tt-logid"));
    assert!(response.diagnosis().unwrap().is_success());
    assert_eq!(response.attempts().unwrap().sent, 1);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"code": 0, "msg": "success", "data": {}}));
    assert_eq!(mock.stats().requests_to_api("PUT /open-apis/im/v1/chats/:chat_id"), 1);
}

/// Refresh tokens a store was given, in order.
type Saved = Arc<Mutex<Vec<String>>>;

/// A store that records the refresh tokens it is given.
fn recording_store() -> (impl Fn(&UserTokens) -> Result<(), StoreError> + use<>, Saved) {
    let saved: Saved = Arc::default();
    let log = Arc::clone(&saved);
    let store = move |tokens: &UserTokens| -> Result<(), StoreError> {
        log.lock().unwrap().extend(tokens.refresh_token.clone());
        Ok(())
    };
    (store, saved)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_callers_with_an_expired_user_token_cause_one_refresh_at_the_mock() {
    let mut user = UserConfig::new("ur-alice");
    user.access_ttl_secs = 1;
    let config = Config { users: vec![user], ..Config::default() };
    let mock = MockServer::start(config).await.unwrap();
    let path = "/open-apis/im/v1/chats";

    // A first process signs the user in: one refresh, the rotated token stored.
    let (store, saved) = recording_store();
    let first = UserTokenSource::new(mock.base_url(), "cli_mock", "mock_secret", "ur-alice", store);
    let access = first.token().await.unwrap();
    assert_eq!(mock.stats().user_token_refreshes, 1);
    let stored = saved.lock().unwrap().last().cloned().expect("the rotated refresh token");

    // Later, a process starts from the store with the access token it believes alive;
    // the mock has expired it (1 s).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (store, saved) = recording_store();
    let source =
        UserTokenSource::new(mock.base_url(), "cli_mock", "mock_secret", stored.clone(), store)
            .with_access_token(access.clone(), Duration::from_secs(7200));
    let mw = LarkMiddleware::new()
        .with_policy(policy())
        .with_shared_token_source(Arc::new(source.clone()));
    let client = ClientBuilder::new(reqwest::Client::new()).with(mw).build();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let (client, url) = (client.clone(), mock.url(path));
            tokio::spawn(async move { code_of(client.get(url).send().await.unwrap()).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), 0);
    }
    assert_eq!(mock.stats().user_token_refreshes, 2, "exactly one refresh for 50 callers");
    assert_eq!(source.refreshes(), 1);
    let expired = mock.stats().responses_with(i64::from(code::USER_ACCESS_TOKEN_EXPIRED));
    assert!((1..=50).contains(&expired), "{expired}");
    let rotated = saved.lock().unwrap().clone();
    assert_eq!(rotated.len(), 1, "the store saw the rotated refresh token: {rotated:?}");
    assert_ne!(rotated[0], stored);

    // The spent refresh token is single-use: the mock refuses it with 20073.
    let (store, _) = recording_store();
    let reuse = UserTokenSource::new(mock.base_url(), "cli_mock", "mock_secret", stored, store);
    match reuse.token().await {
        Err(TokenError::Reauthorize(Some(d))) => {
            assert_eq!(d.code, Some(i64::from(oauth::REFRESH_TOKEN_USED)));
        }
        other => panic!("{other:?}"),
    }
}

/// An API's own error, answered by a small server in the test: the mock renders only the
/// generic page's entries.
#[tokio::test]
async fn an_error_is_diagnosed_with_the_requests_api_and_a_success_routes_on_demand() {
    use lark_errors::catalog::{Layer, Method, route};
    let path = "/open-apis/im/v1/messages";
    let api = route(Method::Post, path).unwrap();
    // The API's first entry whose code the generic page does not document.
    let own = api
        .entries()
        .iter()
        .find(|e| lark_errors::lookup(e.code()).is_empty() && e.parent_code().is_none())
        .expect("an entry of the API's own");
    let body = serde_json::json!({"code": own.code(), "msg": own.render_message(&[])}).to_string();
    let router = axum::Router::new()
        .route(
            path,
            axum::routing::post(move || {
                let body = body.clone();
                async move { (axum::http::StatusCode::BAD_REQUEST, body) }
            }),
        )
        .route(
            "/open-apis/im/v1/chats",
            axum::routing::get(|| async {
                axum::Json(serde_json::json!({"code": 0, "msg": "success"}))
            }),
        );
    let base = support::serve(router).await;
    let client = ClientBuilder::new(reqwest::Client::new()).with(LarkMiddleware::new()).build();

    let response =
        client.post(format!("{base}{path}?receive_id_type=chat_id")).send().await.unwrap();
    let d = response.diagnosis().unwrap();
    assert_eq!(d.api, Some(api));
    assert_eq!(response.lark_api(), Some(api));
    assert_eq!(d.layer, Some(Layer::Api));
    assert_eq!(d.entry.map(|e| e.code()), Some(own.code()));
    assert_eq!(d.entry.and_then(|e| e.api()), Some(api));
    assert_eq!(d.http_status, Some(400));

    let response = client.get(format!("{base}/open-apis/im/v1/chats")).send().await.unwrap();
    assert!(response.diagnosis().unwrap().is_success());
    assert_eq!(response.diagnosis().unwrap().api, None, "a success is not routed");
    assert_eq!(response.lark_api(), route(Method::Get, "/open-apis/im/v1/chats"));
    assert!(response.lark_api().is_some());
}

#[tokio::test]
async fn a_missing_scope_names_the_apis_documented_scopes() {
    use lark_errors::catalog::{Method, route};
    let path = "/open-apis/im/v1/messages";
    let api = route(Method::Post, path).unwrap();
    assert!(!api.scopes().is_empty());
    let config = Config {
        faults: vec![FaultRule::new(path, code::SCOPE_MISSING).method("POST")],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let response = client(tokens(&mock)).post(mock.url(path)).send().await.unwrap();
    let d = response.diagnosis().unwrap();
    assert_eq!(d.action(), Some(Action::RequestScope));
    assert_eq!(d.api, Some(api));
    let required: Vec<_> = d.required_scopes().iter().map(|s| s.id()).collect();
    let documented: Vec<_> = api.scopes().iter().map(|s| s.id()).collect();
    assert_eq!(required, documented);
    assert_eq!(response.attempts().unwrap().sent, 1);
}
