//! How close a paced burst comes to the ideal time its API's documented tier allows, and
//! what the same burst meets without pacing, against the in-process mock.
//!
//! ```text
//! cargo bench -p lark-errors-reqwest --bench pacing        # or scripts/bench-pacing.sh
//! BENCH_ROUNDS=5 BENCH_REQUESTS=400 cargo bench -p lark-errors-reqwest --bench pacing
//! ```
//!
//! The API is `POST /open-apis/im/v1/messages`; its tier comes from the catalog. The mock
//! on main limits with one fixed window per app and path, configured here to the tier's
//! per-second window (a fresh mock per round, so no window carries over). The ideal
//! time of `n` requests is, over the tier's windows, the longest
//! `period * ((n - 1) / limit)`: the first request goes out at 0. Each round prints the
//! burst's time, its ratio to the ideal and the 429s the mock answered. Without
//! `--bench` (as under `cargo test --all-targets`) it runs one small burst as a smoke
//! test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lark_errors::catalog::{Method, route};
use lark_errors::platform::code;
use lark_errors_mock::{Config, MockServer, RateLimitConfig};
use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, Pacing, ResponseExt, TokenSource};

const PATH: &str = "/open-apis/im/v1/messages";

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One burst of `n` concurrent POSTs: its time, the 429s the mock answered, and the
/// calls that did not end in success.
async fn burst(per_second: u32, n: u32, pacing: Pacing) -> (Duration, u64, usize) {
    let config = Config {
        rate_limit: Some(RateLimitConfig { requests: u64::from(per_second), window_secs: 1 }),
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let tokens = Arc::new(AppTokenSource::tenant(mock.base_url(), "cli_mock", "mock_secret"));
    tokens.token().await.unwrap();
    let mw = LarkMiddleware::new().with_shared_token_source(tokens).with_pacing(pacing);
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).with(mw).build();
    let url = mock.url(PATH);
    let start = Instant::now();
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let r = client.post(url).body(r#"{"msg_type":"text"}"#).send().await.unwrap();
                r.diagnosis().is_some_and(|d| d.is_success())
            })
        })
        .collect();
    let mut failed = 0;
    for call in calls {
        if !call.await.unwrap() {
            failed += 1;
        }
    }
    let elapsed = start.elapsed();
    (elapsed, mock.stats().responses_with(i64::from(code::FREQUENCY_LIMIT)), failed)
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let tier = route(Method::Post, PATH).and_then(|a| a.rate_limit()).expect("a tier");
    let per_second = tier
        .windows()
        .find(|w| w.period() == Duration::from_secs(1))
        .expect("a per-second window")
        .limit();
    let (rounds, n) = if bench {
        (env("BENCH_ROUNDS", 3), env("BENCH_REQUESTS", 4 * per_second))
    } else {
        (1, per_second.min(10))
    };
    let ideal =
        tier.windows().map(|w| w.period() * ((n - 1) / w.limit())).max().unwrap_or_default();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
    let rt = rt.unwrap();
    println!(
        "pacing: {n} concurrent POST {PATH} (tier {tier}), mock limited to {per_second}/s, \
         ideal {:.3} s ({} cores)",
        ideal.as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for round in 1..=rounds {
        let (t, limited, failed) = rt.block_on(burst(per_second, n, Pacing::Documented));
        let ratio = if ideal.is_zero() { 1.0 } else { t.as_secs_f64() / ideal.as_secs_f64() };
        println!(
            "  round {round}: paced   {:>7.3} s   ratio to ideal {ratio:.3}x   429s {limited}   not ok {failed}",
            t.as_secs_f64()
        );
    }
    if bench {
        let (t, limited, failed) = rt.block_on(burst(per_second, n, Pacing::Off));
        println!(
            "  unpaced:        {:>7.3} s                          429s {limited}   not ok {failed}",
            t.as_secs_f64()
        );
    }
}
