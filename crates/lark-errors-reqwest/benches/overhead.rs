//! The middleware's overhead on a success response, against plain reqwest to the same
//! mock server, in one run.
//!
//! ```text
//! cargo bench -p lark-errors-reqwest --bench overhead      # or scripts/bench-middleware.sh
//! BENCH_ROUNDS=300 BENCH_REQUESTS=200 cargo bench -p lark-errors-reqwest --bench overhead
//! BENCH_VARIANTS=plain,source cargo bench ...   # only these (plain, empty, caller, source, paced)
//! ```
//!
//! `BENCH_VARIANTS` is for profiling one variant at a time (`valgrind --tool=callgrind`
//! on the bench binary: the difference of two runs with different `BENCH_ROUNDS`, divided
//! by the requests between them, is the instructions per request, fixed costs cancelled).
//! Ratios are against the first variant selected (plain reqwest when it is).
//!
//! The mock runs on its own thread (a one-worker runtime), the clients on the main
//! thread. Rounds rotate the order of the variants so that drift (other load on the
//! machine, CPU frequency) hits all of them alike. Each variant's time is the median of
//! its per-round means; its ratio is the median over rounds of its time against plain
//! reqwest's in the same round (plain reqwest sends the same `Authorization` header). Without `--bench` (as under `cargo test --all-targets`) it
//! runs one short round as a smoke test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lark_errors::catalog::{Method, route};
use lark_errors_mock::{Config, MockServer, RateLimits, TENANT_TOKEN_PATH};
use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, Pacer, ResponseExt};
use reqwest_middleware::ClientWithMiddleware;

const PATH: &str = "/open-apis/im/v1/chats";

enum Variant {
    Plain(reqwest::Client),
    Framework(ClientWithMiddleware),
    Middleware(ClientWithMiddleware),
    MiddlewareWithTokens(ClientWithMiddleware),
    /// With pacing on: a fresh pacer every `chunk` requests (the tier's smallest window),
    /// so the variant measures what pacing costs, not the waits it imposes.
    Paced {
        make: Box<dyn Fn() -> ClientWithMiddleware>,
        chunk: u32,
    },
}

impl Variant {
    /// The short name `BENCH_VARIANTS` selects it by.
    fn key(&self) -> &'static str {
        match self {
            Variant::Plain(_) => "plain",
            Variant::Framework(_) => "empty",
            Variant::Middleware(_) => "caller",
            Variant::MiddlewareWithTokens(_) => "source",
            Variant::Paced { .. } => "paced",
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Variant::Plain(_) => "plain reqwest",
            Variant::Framework(_) => "reqwest-middleware, empty",
            Variant::Middleware(_) => "middleware (caller's token)",
            Variant::MiddlewareWithTokens(_) => "middleware + token source",
            Variant::Paced { .. } => "... + pacing (within the tier)",
        }
    }

    /// Sends `n` requests one after another; mean time per request.
    async fn run(&self, url: &str, token: &str, n: u32) -> Duration {
        let paced: Vec<ClientWithMiddleware> = match self {
            Variant::Paced { make, chunk } => (0..n.div_ceil(*chunk)).map(|_| make()).collect(),
            _ => Vec::new(),
        };
        let start = Instant::now();
        for i in 0..n {
            let body = match self {
                Variant::Plain(c) => {
                    c.get(url).bearer_auth(token).send().await.unwrap().bytes().await.unwrap()
                }
                Variant::Framework(c) => {
                    c.get(url).bearer_auth(token).send().await.unwrap().bytes().await.unwrap()
                }
                Variant::Middleware(c) => {
                    let r = c.get(url).bearer_auth(token).send().await.unwrap();
                    assert!(r.diagnosis().unwrap().is_success());
                    r.bytes().await.unwrap()
                }
                Variant::MiddlewareWithTokens(c) => {
                    let r = c.get(url).send().await.unwrap();
                    assert!(r.diagnosis().unwrap().is_success());
                    r.bytes().await.unwrap()
                }
                Variant::Paced { chunk, .. } => {
                    let r = paced[(i / chunk) as usize].get(url).send().await.unwrap();
                    assert!(r.diagnosis().unwrap().is_success());
                    assert_eq!(r.attempts().unwrap().paced, Duration::ZERO);
                    r.bytes().await.unwrap()
                }
            };
            assert!(body.starts_with(br#"{"code":0"#));
        }
        start.elapsed() / n
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let (rounds, requests) =
        if bench { (env("BENCH_ROUNDS", 100), env("BENCH_REQUESTS", 200)) } else { (1, 20) };

    // The server: its own thread and runtime, so client and server do not share one.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            // The client side is what is measured: the mock's documented limits are off,
            // so every request is a success however fast the rounds go.
            let config = Config { rate_limits: RateLimits::Off, ..Config::default() };
            let mock = MockServer::start(config).await.unwrap();
            tx.send(mock.base_url()).unwrap();
            std::future::pending::<()>().await;
        });
    });
    let base = rx.recv().unwrap();
    let url = format!("{base}{PATH}");

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let plain = reqwest::Client::new();
        let token: serde_json::Value = plain
            .post(format!("{base}{TENANT_TOKEN_PATH}"))
            .json(&serde_json::json!({"app_id": "cli_mock", "app_secret": "mock_secret"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token["tenant_access_token"].as_str().unwrap().to_owned();
        let wrap = |mw: LarkMiddleware| {
            reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).with(mw).build()
        };
        let source = Arc::new(AppTokenSource::tenant(&base, "cli_mock", "mock_secret"));
        let tier = route(Method::Get, PATH).and_then(|a| a.rate_limit()).expect("a tier");
        let chunk = tier.windows().map(|w| w.limit()).min().expect("a window");
        let (inner, paced_source) = (reqwest::Client::new(), source.clone());
        let make = move || {
            let mw = LarkMiddleware::new()
                .with_shared_token_source(paced_source.clone())
                .with_pacer(Pacer::new());
            reqwest_middleware::ClientBuilder::new(inner.clone()).with(mw).build()
        };
        let variants = vec![
            Variant::Plain(plain.clone()),
            Variant::Framework(
                reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).build(),
            ),
            Variant::Middleware(wrap(LarkMiddleware::new())),
            Variant::MiddlewareWithTokens(wrap(
                LarkMiddleware::new().with_shared_token_source(source),
            )),
            Variant::Paced { make: Box::new(make), chunk },
        ];
        let only = std::env::var("BENCH_VARIANTS").unwrap_or_default();
        let only: Vec<&str> = only.split(',').filter(|k| !k.is_empty()).collect();
        let variants: Vec<Variant> =
            variants.into_iter().filter(|v| only.is_empty() || only.contains(&v.key())).collect();
        assert!(!variants.is_empty(), "BENCH_VARIANTS={only:?} names no variant");
        // Warm up: connections, allocator, token cache.
        for v in &variants {
            v.run(&url, &token, requests.min(200)).await;
        }
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
        for round in 0..rounds as usize {
            for k in 0..variants.len() {
                // Rotate the order each round.
                let i = (k + round) % variants.len();
                times[i].push(variants[i].run(&url, &token, requests).await);
            }
        }
        // Each round's ratio against plain reqwest in the same round: drift between
        // rounds cancels out; the median drops rounds hit by other load.
        let ratios: Vec<f64> = times
            .iter()
            .map(|t| {
                let mut r: Vec<f64> = t
                    .iter()
                    .zip(&times[0])
                    .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
                    .collect();
                r.sort_by(f64::total_cmp);
                r[r.len() / 2]
            })
            .collect();
        let medians: Vec<Duration> = times.into_iter().map(median).collect();
        println!(
            "middleware overhead: {rounds} rounds x {requests} sequential GETs per variant, \
             success response ({} cores)",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        for ((v, m), r) in variants.iter().zip(&medians).zip(&ratios) {
            println!(
                "  {:<30} {:>9.1} µs/request   ratio {:.3}x",
                v.name(),
                m.as_secs_f64() * 1e6,
                r
            );
        }
    });
}
