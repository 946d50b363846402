//! `UserTokenSource` over loopback against a minimal OAuth endpoint with single-use,
//! rotating refresh tokens (`support::oauth_server`).

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lark_errors::RetryPolicy;
use lark_errors::platform::{code, oauth, token as wire};
use lark_errors_reqwest::{
    LarkMiddleware, ResponseExt, StoreError, TokenError, TokenSource, UserTokenSource, UserTokens,
};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use support::oauth_server::{self, API_PATH, APP_ID, APP_SECRET};
use support::within;

/// Refresh tokens a store was given, in order.
type Saved = Arc<Mutex<Vec<String>>>;

/// A store that records every refresh token it is given, and checks it is given each
/// one before the new access token reached the API.
fn recording_store(
    server: &oauth_server::Shared,
) -> (impl Fn(&UserTokens) -> Result<(), StoreError> + use<>, Saved) {
    let saved: Saved = Arc::default();
    let (log, server) = (Arc::clone(&saved), Arc::clone(server));
    let store = move |tokens: &UserTokens| -> Result<(), StoreError> {
        let s = server.lock().unwrap();
        assert!(
            !s.api_calls.contains(&tokens.access_token),
            "the access token was used before its refresh token was stored"
        );
        log.lock().unwrap().extend(tokens.refresh_token.clone());
        Ok(())
    };
    (store, saved)
}

fn client(source: &UserTokenSource) -> ClientWithMiddleware {
    let mw = LarkMiddleware::new().with_shared_token_source(Arc::new(source.clone()));
    ClientBuilder::new(reqwest::Client::new()).with(mw).build()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_base_delay(Duration::from_millis(10)).with_max_attempts(3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_callers_with_an_expired_token_cause_one_refresh_and_each_rotation_is_stored() {
    let (base, server) = oauth_server::start().await;
    let (store, saved) = recording_store(&server);
    // The client believes its access token alive; the server no longer accepts it.
    let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "r-0", store)
        .with_access_token("u-stale", Duration::from_secs(7200));
    let client = client(&source);
    let url = format!("{base}{API_PATH}");
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move { client.get(url).send().await.unwrap() })
        })
        .collect();
    for call in calls {
        let response = within(60, "a caller", call).await.unwrap();
        assert!(response.diagnosis().unwrap().is_success());
        assert!(response.attempts().unwrap().sent <= 2);
    }
    {
        let s = server.lock().unwrap();
        assert_eq!(s.refresh_requests, 1, "one refresh for 50 callers");
        assert_eq!(s.api_calls.iter().filter(|t| *t == "u-1").count(), 50);
        let stale = s.api_calls.iter().filter(|t| *t == "u-stale").count();
        assert!((1..=50).contains(&stale), "{stale}");
    }
    assert_eq!(*saved.lock().unwrap(), ["r-1"]);
    assert_eq!(source.refreshes(), 1);

    // Expired again: the next call refreshes with the rotated token.
    server.lock().unwrap().live_access = None;
    let response = client.get(&url).send().await.unwrap();
    let attempts = response.attempts().unwrap();
    assert_eq!((attempts.sent, attempts.token_refreshes), (2, 1));
    assert_eq!(*saved.lock().unwrap(), ["r-1", "r-2"], "the store saw every rotation");

    // A refresh token is single-use: presenting r-1 again is refused with 20073.
    let reuse = reqwest::Client::new()
        .post(format!("{base}{}", wire::USER_ACCESS_TOKEN_PATH))
        .json(&serde_json::json!({
            wire::GRANT_TYPE: wire::GRANT_REFRESH_TOKEN,
            wire::CLIENT_ID: APP_ID,
            wire::CLIENT_SECRET: APP_SECRET,
            wire::REFRESH_TOKEN: "r-1",
        }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = reuse.json().await.unwrap();
    assert_eq!(body["code"], oauth::REFRESH_TOKEN_USED);
}

#[tokio::test]
async fn clones_share_one_refresh() {
    let (base, server) = oauth_server::start().await;
    let (store, saved) = recording_store(&server);
    let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "r-0", store);
    let callers: Vec<_> = (0..10)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.token().await.unwrap() })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap(), "u-1");
    }
    assert_eq!(server.lock().unwrap().refresh_requests, 1);
    assert_eq!(*saved.lock().unwrap(), ["r-1"]);
}

#[tokio::test]
async fn a_refused_refresh_token_means_the_user_must_sign_in_again() {
    for refused in [
        oauth::REFRESH_TOKEN_INVALID,
        oauth::REFRESH_TOKEN_EXPIRED,
        oauth::REFRESH_TOKEN_REVOKED,
        oauth::REFRESH_TOKEN_USED,
    ] {
        let (base, server) = oauth_server::start().await;
        server.lock().unwrap().fail_next = vec![refused];
        let (store, saved) = recording_store(&server);
        let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "r-0", store);
        match source.token().await {
            Err(e @ TokenError::Reauthorize(Some(_))) => {
                assert!(e.needs_sign_in());
                let TokenError::Reauthorize(Some(d)) = &e else { unreachable!() };
                assert_eq!(d.code, Some(i64::from(refused)));
                assert!(e.to_string().contains("sign in again"), "{e}");
            }
            other => panic!("{refused}: {other:?}"),
        }
        // Remembered: later calls, and the middleware, say so without asking again.
        let err = client(&source).get(format!("{base}{API_PATH}")).send().await.unwrap_err();
        assert!(TokenError::of(&err).is_some_and(TokenError::needs_sign_in), "{err}");
        assert_eq!(server.lock().unwrap().refresh_requests, 1);
        assert!(server.lock().unwrap().api_calls.is_empty());
        assert!(saved.lock().unwrap().is_empty());

        // After a new sign-in the source carries on from the new refresh token.
        source.set_refresh_token("r-0").await;
        assert_eq!(source.token().await.unwrap(), "u-1");
        assert_eq!(*saved.lock().unwrap(), ["r-1"]);
    }
}

#[tokio::test]
async fn server_errors_of_the_refresh_endpoint_are_retried() {
    let (base, server) = oauth_server::start().await;
    server.lock().unwrap().fail_next = vec![oauth::SERVER_ERROR, oauth::TEMPORARILY_UNAVAILABLE];
    let (store, saved) = recording_store(&server);
    let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "r-0", store)
        .with_retry_policy(quick_retries());
    assert_eq!(source.token().await.unwrap(), "u-1");
    assert_eq!(server.lock().unwrap().refresh_requests, 3);
    assert_eq!(source.refreshes(), 3);
    assert_eq!(*saved.lock().unwrap(), ["r-1"]);

    // Past the attempt limit the refusal is returned, typed as a rejection (not sign-in).
    server.lock().unwrap().fail_next = vec![oauth::SERVER_ERROR; 3];
    server.lock().unwrap().live_access = None;
    let err = source.refresh("u-1").await.unwrap_err();
    assert!(
        matches!(&err, TokenError::Rejected(d) if d.code == Some(i64::from(oauth::SERVER_ERROR))),
        "{err:?}"
    );
    assert!(!err.needs_sign_in());
    assert_eq!(server.lock().unwrap().refresh_requests, 6);
    // The refresh token was not spent: the next call succeeds with it.
    assert_eq!(source.refresh("u-1").await.unwrap(), "u-2");
}

#[tokio::test]
async fn a_failing_store_withholds_the_new_access_token_until_it_accepts() {
    let (base, server) = oauth_server::start().await;
    let fail = Arc::new(AtomicBool::new(true));
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let (flag, log) = (Arc::clone(&fail), Arc::clone(&seen));
    let store = move |tokens: &UserTokens| -> Result<(), StoreError> {
        log.lock().unwrap().extend(tokens.refresh_token.clone());
        if flag.load(Ordering::SeqCst) { Err("disk full".into()) } else { Ok(()) }
    };
    let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "r-0", store);
    let client = client(&source);
    let url = format!("{base}{API_PATH}");
    let err = client.get(&url).send().await.unwrap_err();
    assert!(matches!(TokenError::of(&err), Some(TokenError::Store(_))), "{err}");
    assert!(server.lock().unwrap().api_calls.is_empty(), "u-1 was not used unstored");

    fail.store(false, Ordering::SeqCst);
    let response = client.get(&url).send().await.unwrap();
    assert!(response.diagnosis().unwrap().is_success());
    assert_eq!(*seen.lock().unwrap(), ["r-1", "r-1"], "the same tokens offered again");
    assert_eq!(server.lock().unwrap().refresh_requests, 1, "no second refresh");
    assert_eq!(server.lock().unwrap().api_calls, ["u-1"]);
}

#[tokio::test]
async fn a_user_token_rejected_again_after_its_refresh_is_sent_only_twice() {
    let (base, server) = oauth_server::start().await;
    server.lock().unwrap().api_rejects_all = Some(code::INVALID_USER_ACCESS_TOKEN);
    let (store, _) = recording_store(&server);
    let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "r-0", store)
        .with_access_token("u-0", Duration::from_secs(7200));
    let response = client(&source).get(format!("{base}{API_PATH}")).send().await.unwrap();
    let attempts = response.attempts().unwrap();
    assert_eq!((attempts.sent, attempts.token_refreshes), (2, 1), "refresh once, re-send once");
    assert_eq!(
        response.diagnosis().unwrap().code,
        Some(i64::from(code::INVALID_USER_ACCESS_TOKEN))
    );
    assert_eq!(server.lock().unwrap().api_calls, ["u-0", "u-1"]);
    assert_eq!(server.lock().unwrap().refresh_requests, 1);
}

#[tokio::test]
async fn an_unanswered_refresh_times_out_and_keeps_the_refresh_token() {
    let (base, _) = support::silent().await;
    let source = UserTokenSource::new(
        &base,
        APP_ID,
        APP_SECRET,
        "r-0",
        |_: &UserTokens| -> Result<(), StoreError> { Ok(()) },
    )
    .with_timeout(Duration::from_millis(200));
    let err = within(30, "refresh", source.token()).await.unwrap_err();
    assert!(matches!(err, TokenError::Timeout(_)), "{err:?}");
    assert!(!err.needs_sign_in());
}

#[tokio::test]
async fn an_expires_in_too_large_for_the_clock_is_an_error_and_the_rotated_token_is_kept() {
    let router = axum::Router::new().route(
        wire::USER_ACCESS_TOKEN_PATH,
        axum::routing::post(|| async {
            let mut body = serde_json::Map::new();
            body.insert("code".into(), code::OK.into());
            body.insert(wire::ACCESS_TOKEN.into(), "u-1".into());
            body.insert(wire::EXPIRES_IN.into(), u64::MAX.into());
            body.insert(wire::REFRESH_TOKEN.into(), "r-1".into());
            axum::Json(body)
        }),
    );
    let base = support::serve(router).await;
    let saved: Saved = Arc::default();
    let log = Arc::clone(&saved);
    let store = move |tokens: &UserTokens| -> Result<(), StoreError> {
        log.lock().unwrap().extend(tokens.refresh_token.clone());
        Ok(())
    };
    let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "r-0", store);
    assert!(matches!(source.token().await, Err(TokenError::Malformed(_))));
    assert_eq!(*saved.lock().unwrap(), ["r-1"], "the spent token's successor is not lost");
}

#[tokio::test]
async fn without_a_refresh_token_the_user_must_sign_in_and_nothing_is_sent() {
    let (base, server) = oauth_server::start().await;
    let (store, _) = recording_store(&server);
    let source = UserTokenSource::new(&base, APP_ID, APP_SECRET, "", store);
    let err = within(30, "token", source.token()).await.unwrap_err();
    assert!(matches!(err, TokenError::Reauthorize(None)), "{err:?}");
    assert!(err.needs_sign_in());
    assert_eq!(server.lock().unwrap().refresh_requests, 0);
}

#[tokio::test]
async fn a_refresh_answer_without_a_new_refresh_token_leaves_the_next_refresh_to_a_sign_in() {
    let router = axum::Router::new().route(
        wire::USER_ACCESS_TOKEN_PATH,
        axum::routing::post(|| async {
            let mut body = serde_json::Map::new();
            body.insert("code".into(), code::OK.into());
            body.insert(wire::ACCESS_TOKEN.into(), "u-1".into());
            body.insert(wire::EXPIRES_IN.into(), 7200.into());
            axum::Json(body)
        }),
    );
    let base = support::serve(router).await;
    let source = UserTokenSource::new(
        &base,
        APP_ID,
        APP_SECRET,
        "r-0",
        |_: &UserTokens| -> Result<(), StoreError> { Ok(()) },
    );
    assert_eq!(source.token().await.unwrap(), "u-1");
    let err = source.refresh("u-1").await.unwrap_err();
    assert!(matches!(err, TokenError::Reauthorize(None)), "{err:?}");
    assert_eq!(source.refreshes(), 1);
}
