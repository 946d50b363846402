//! Runs the mock Feishu server in-process and a client with the middleware against it:
//! a rate limit waited out, a stale token refreshed, a missing scope reported.
//!
//! ```text
//! cargo run -p lark-errors-reqwest --example mock_client
//! ```

use std::sync::Arc;
use std::time::Duration;

use lark_errors::RetryPolicy;
use lark_errors_mock::{Config, FaultRule, MockServer, RateLimitConfig};
use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, ResponseExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Show the middleware's retry events (and the mock's request log).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(true)
        .init();

    let mut config = Config {
        rate_limit: Some(RateLimitConfig { requests: 2, window_secs: 1 }),
        faults: vec![
            FaultRule::new("/open-apis/contact/v3/*", 99991672)
                .scopes(["contact:user.base:readonly"]),
        ],
        ..Config::default()
    };
    // Tokens die after 1 s, but clients are told 2 hours: the cache goes stale.
    config.tokens.ttl_secs = 1;
    config.tokens.expire_secs = Some(7200);
    let mock = MockServer::start(config).await?;
    println!("mock listening on {}", mock.base_url());

    let tokens = Arc::new(AppTokenSource::tenant(mock.base_url(), "cli_mock", "mock_secret"));
    let middleware = LarkMiddleware::new()
        .with_policy(RetryPolicy::default().with_max_delay(Duration::from_secs(5)))
        .with_shared_token_source(tokens.clone());
    let client =
        reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).with(middleware).build();

    println!("\n-- 4 calls against a limit of 2 per second");
    for i in 1..=4 {
        let response = client.get(mock.url("/open-apis/im/v1/chats")).send().await?;
        let attempts = response.attempts().expect("diagnosed");
        println!(
            "call {i}: HTTP {} after {} request(s), waited {:?}",
            response.status(),
            attempts.sent,
            attempts.waited
        );
    }

    println!("\n-- the token expires on the server; the next call refreshes it once");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = client.get(mock.url("/open-apis/im/v1/chats/oc_1")).send().await?;
    println!(
        "HTTP {}, token refreshes: {}, token fetches in all: {}",
        response.status(),
        response.attempts().map_or(0, |a| a.token_refreshes),
        tokens.fetches()
    );

    println!("\n-- a missing scope is not retried; the diagnosis says which");
    let response = client.get(mock.url("/open-apis/contact/v3/users/ou_1")).send().await?;
    let d = response.diagnosis().cloned().expect("diagnosed");
    println!(
        "HTTP {}, code {:?}, action {:?}, missing scopes {:?}, log id {:?}",
        response.status(),
        d.code,
        d.action().map(|a| a.as_str()),
        d.missing_scopes,
        d.log_id
    );
    println!("body: {}", response.text().await?);

    println!("\nmock stats: {:?}", mock.stats());
    mock.shutdown().await;
    Ok(())
}
