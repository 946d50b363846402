//! A burst through the middleware with pacing by the documented tier, against a running
//! mock (`larkerr mock`): every request of the burst at once, and how many the server
//! answered with a rate limit. `tests/sdk/run.sh` runs it beside the official SDKs'
//! unpaced bursts against the same mock.
//!
//! ```text
//! larkerr mock --port 8080 &
//! cargo run -p lark-errors-reqwest --example paced_burst -- http://127.0.0.1:8080 200
//! ```
//!
//! Prints one line; exits 1 when any request met a rate limit.

use std::sync::Arc;
use std::time::Instant;

use lark_errors::catalog::{Method, route};
use lark_errors::platform::code;
use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, Pacing, ResponseExt, TokenSource};

const PATH: &str = "/open-apis/im/v1/messages";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(base), n) = (args.next(), args.next()) else {
        return Err("usage: paced_burst BASE_URL [REQUESTS]".into());
    };
    let n: u32 = n.as_deref().unwrap_or("200").parse()?;
    let tier = route(Method::Post, PATH).and_then(|api| api.rate_limit()).ok_or("no tier")?;

    let tokens = Arc::new(AppTokenSource::tenant(&base, "cli_rust", "rust_secret"));
    tokens.token().await?; // fetched before the burst, so the burst starts at once
    let middleware =
        LarkMiddleware::new().with_shared_token_source(tokens).with_pacing(Pacing::Documented);
    let client =
        reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).with(middleware).build();

    let start = Instant::now();
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let (client, url) = (client.clone(), format!("{base}{PATH}"));
            tokio::spawn(async move { client.post(url).send().await })
        })
        .collect();
    let (mut limited, mut failed) = (0u32, 0u32);
    for call in calls {
        let response = call.await??;
        let attempts = response.attempts().ok_or("no attempts")?;
        // Every answer but the last was a retry; the last one counts if it is a limit.
        limited += attempts.sent.saturating_sub(1);
        match response.diagnosis().and_then(|d| d.code) {
            Some(c) if c == i64::from(code::FREQUENCY_LIMIT) => limited += 1,
            Some(0) => {}
            _ => failed += 1,
        }
    }
    println!(
        "middleware, paced ({tier}): {n} requests to POST {PATH}, {limited} answered \
         {}, {failed} other failures, {:.2} s",
        code::FREQUENCY_LIMIT,
        start.elapsed().as_secs_f64()
    );
    if limited > 0 || failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}
