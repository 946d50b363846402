//! Pacing by the documented tier, over loopback against the mock.
//!
//! The mock on main limits every path with one fixed window per app and path
//! (`Config::rate_limit`), not yet by each API's documented tier: the tests configure it
//! with the per-second window of the API's own tier, read from the catalog. Times are
//! asserted as lower bounds (pacing happened); how close a burst comes to the ideal
//! time is measured by `scripts/bench-pacing.sh`, not asserted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lark_errors::catalog::{Method, RateLimit, route};
use lark_errors::platform::code;
use lark_errors_mock::{Config, FaultRule, MockServer, RateLimitConfig};
use lark_errors_reqwest::{
    AppTokenSource, LarkMiddleware, Pacer, Pacing, ResponseExt, TokenSource,
};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};

const PATH: &str = "/open-apis/im/v1/messages";

/// The tier of `POST /open-apis/im/v1/messages`, and its per-second window's limit.
fn tier() -> (RateLimit, u32) {
    let tier = route(Method::Post, PATH).and_then(|api| api.rate_limit()).expect("a tier");
    let per_second = tier
        .windows()
        .find(|w| w.period() == Duration::from_secs(1))
        .expect("a per-second window")
        .limit();
    (tier, per_second)
}

/// The least time `n` requests take under every window of `tier`, the first sent at 0.
fn ideal(tier: &RateLimit, n: u32) -> Duration {
    tier.windows().map(|w| w.period() * ((n - 1) / w.limit())).max().unwrap_or_default()
}

async fn mock(per_second: u32, faults: Vec<FaultRule>) -> MockServer {
    let config = Config {
        rate_limit: Some(RateLimitConfig { requests: u64::from(per_second), window_secs: 1 }),
        faults,
        ..Config::default()
    };
    MockServer::start(config).await.unwrap()
}

async fn tokens(mock: &MockServer) -> Arc<AppTokenSource> {
    let tokens = Arc::new(AppTokenSource::tenant(mock.base_url(), "cli_mock", "mock_secret"));
    tokens.token().await.unwrap(); // fetched before the burst, so the burst starts at once
    tokens
}

fn client(tokens: Arc<AppTokenSource>, pacing: Pacing) -> ClientWithMiddleware {
    let mw = LarkMiddleware::new().with_shared_token_source(tokens).with_pacing(pacing);
    ClientBuilder::new(reqwest::Client::new()).with(mw).build()
}

/// Sends `n` POSTs at once through clones of `clients` (round robin); each final code.
async fn burst(clients: &[ClientWithMiddleware], url: &str, n: u32) -> Vec<i64> {
    let calls: Vec<_> = (0..n as usize)
        .map(|i| {
            let (client, url) = (clients[i % clients.len()].clone(), url.to_owned());
            tokio::spawn(async move {
                let response = client.post(url).body(r#"{"msg_type":"text"}"#).send().await;
                let response = response.unwrap();
                assert_eq!(
                    response.lark_api().map(|a| a.path()),
                    Some(PATH),
                    "the diagnosis knows the API"
                );
                response.diagnosis().unwrap().code.unwrap_or(-1)
            })
        })
        .collect();
    let mut codes = Vec::new();
    for call in calls {
        codes.push(call.await.unwrap());
    }
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_paced_by_the_documented_tier_meets_no_rate_limit() {
    let (tier, per_second) = tier();
    let n = 4 * per_second; // 200 for 50/s
    assert!(n >= 200, "{tier}");
    let mock = mock(per_second, Vec::new()).await;
    let client = client(tokens(&mock).await, Pacing::Documented);
    let start = Instant::now();
    let codes = burst(&[client], &mock.url(PATH), n).await;
    let elapsed = start.elapsed();

    assert!(codes.iter().all(|&c| c == 0), "{codes:?}");
    let stats = mock.stats();
    assert_eq!(stats.responses_with(i64::from(code::FREQUENCY_LIMIT)), 0, "no 429 at all");
    assert_eq!(stats.requests_to(PATH), u64::from(n), "each request sent once");
    let ideal = ideal(&tier, n);
    assert!(
        elapsed >= ideal,
        "{n} requests in {elapsed:?}: the tier allows no less than {ideal:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_burst_unpaced_meets_rate_limits() {
    let (_, per_second) = tier();
    let n = 4 * per_second;
    let mock = mock(per_second, Vec::new()).await;
    let client = client(tokens(&mock).await, Pacing::Off);
    burst(&[client], &mock.url(PATH), n).await;
    let limited = mock.stats().responses_with(i64::from(code::FREQUENCY_LIMIT));
    assert!(limited > 0, "without pacing the mock answered 99991400 {limited} times");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn middlewares_sharing_a_pacer_share_the_limit() {
    let (_, per_second) = tier();
    let n = 2 * per_second + 1; // three waves
    let mock = mock(per_second, Vec::new()).await;
    let tokens = tokens(&mock).await;
    let pacer = Pacer::new();
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let mw = LarkMiddleware::new()
                .with_shared_token_source(tokens.clone())
                .with_pacer(pacer.clone());
            ClientBuilder::new(reqwest::Client::new()).with(mw).build()
        })
        .collect();
    let codes = burst(&clients, &mock.url(PATH), n).await;
    assert!(codes.iter().all(|&c| c == 0), "{codes:?}");
    assert_eq!(mock.stats().responses_with(i64::from(code::FREQUENCY_LIMIT)), 0);
    assert_eq!(pacer.lanes(), 1, "one app, one API");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_answer_holds_the_apis_other_requests_until_its_reset() {
    let (_, per_second) = tier();
    let mut rule = FaultRule::new(PATH, code::FREQUENCY_LIMIT).method("POST").nth(1);
    rule.reset_secs = Some(2);
    let mock = mock(per_second, vec![rule]).await;
    let client = client(tokens(&mock).await, Pacing::Documented);
    let url = mock.url(PATH);
    let first = {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move { client.post(url).send().await.unwrap() })
    };
    // Once the 429 is in, a second request to the API waits for the reset too.
    while mock.stats().responses_with(i64::from(code::FREQUENCY_LIMIT)) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = client.post(&url).send().await.unwrap();
    assert!(second.diagnosis().unwrap().is_success());
    assert!(second.attempts().unwrap().paced >= Duration::from_millis(1500));
    let first = first.await.unwrap();
    let attempts = first.attempts().unwrap();
    assert_eq!(attempts.sent, 2);
    assert!(attempts.waited >= Duration::from_secs(2), "{attempts:?}");

    let log: Vec<_> = mock.requests().into_iter().filter(|r| r.path == PATH).collect();
    assert_eq!(log.len(), 3);
    let limited = &log[0];
    assert_eq!(limited.code, i64::from(code::FREQUENCY_LIMIT));
    for later in &log[1..] {
        assert!(later.at - limited.at >= Duration::from_secs(2), "{later:?} came before the reset");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undocumented_apis_are_not_paced() {
    let mock = mock(1000, Vec::new()).await;
    let mw = LarkMiddleware::new()
        .with_shared_token_source(tokens(&mock).await)
        .with_pacing(Pacing::Documented);
    let pacer = mw.pacer().clone();
    let client = ClientBuilder::new(reqwest::Client::new()).with(mw).build();
    let response = client.get(mock.url("/open-apis/no/such/api")).send().await.unwrap();
    assert_eq!(response.lark_api(), None);
    assert_eq!(response.attempts().unwrap().paced, Duration::ZERO);
    assert_eq!(pacer.lanes(), 0);
}
