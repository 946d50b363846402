//! The middleware's `tracing` events, against the mock. In a test binary of its own: a
//! `tracing` callsite first hit by another test's thread while this test installs its
//! subscriber can be cached as uninteresting, and the events this test counts would be
//! lost (it happened about one run in four with the rest of `e2e.rs` beside it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lark_errors::retry::RetryPolicy;
use lark_errors_mock::{Config, FaultRule, MockServer};
use lark_errors_reqwest::{AppTokenSource, Idempotent, LarkMiddleware, ResponseExt};
use reqwest_middleware::ClientBuilder;

/// Short delays so the suite stays fast: the same policy as `e2e.rs`'s. (Fields set one
/// by one: `RetryPolicy` is to become `#[non_exhaustive]`; once it has a minimum delay,
/// set it to zero here as in `e2e.rs`, since this test checks exact backoff delays.)
#[allow(clippy::field_reassign_with_default)]
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_base_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_secs(5))
        .with_min_delay(Duration::ZERO)
        .with_budget(Some(Duration::from_secs(30)))
}

/// Body code of a response, and the response's diagnosis success.
async fn code_of(response: reqwest::Response) -> i64 {
    let diagnosed = response.diagnosis().expect("diagnosed").is_success();
    let body: serde_json::Value = response.json().await.unwrap();
    let code = body["code"].as_i64().unwrap();
    assert_eq!(diagnosed, code == 0);
    code
}

/// Retry events captured from `tracing`: (code, delay in ms) per event.
#[derive(Clone, Default)]
struct Retries(Arc<Mutex<Vec<(String, u64)>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Retries {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        #[derive(Default)]
        struct Fields {
            code: String,
            delay_ms: Option<u64>,
            decision: bool,
        }
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                match field.name() {
                    "code" => self.code = format!("{value:?}"),
                    "decision" => self.decision = true,
                    _ => {}
                }
            }
            fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
                if field.name() == "delay_ms" {
                    self.delay_ms = Some(value);
                }
            }
        }
        if event.metadata().target() != "lark_errors_reqwest" {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let (Some(delay), true) = (fields.delay_ms, fields.decision) {
            self.0.lock().unwrap().push((fields.code, delay));
        }
    }
}

#[tokio::test]
async fn internal_error_is_retried_for_get_with_growing_delays_never_for_post() {
    use tracing_subscriber::layer::SubscriberExt;
    let retries = Retries::default();
    // A current-thread runtime: the events of this test are all on this thread.
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(retries.clone()));

    let config =
        Config { faults: vec![FaultRule::new("/open-apis/im/v1/*", 1500)], ..Config::default() };
    let mock = MockServer::start(config).await.unwrap();
    let mw = LarkMiddleware::new()
        .with_policy(policy())
        .with_jitter(|| 1.0) // full backoff: 20, 40, 80 ms
        .with_token_source(AppTokenSource::tenant(mock.base_url(), "cli_mock", "mock_secret"));
    let client = ClientBuilder::new(reqwest::Client::new()).with(mw).build();

    let post = client.post(mock.url("/open-apis/im/v1/messages")).body("{}").send().await.unwrap();
    assert_eq!(post.attempts().unwrap().sent, 1);
    assert_eq!(post.diagnosis().unwrap().code, Some(1500));
    assert_eq!(
        mock.stats().requests_to("/open-apis/im/v1/messages"),
        1,
        "a POST may have done work"
    );
    assert!(retries.0.lock().unwrap().is_empty());

    let get = client.get(mock.url("/open-apis/im/v1/chats/oc_flaky")).send().await.unwrap();
    assert_eq!(get.attempts().unwrap().sent, 4, "up to the attempt limit");
    assert_eq!(get.attempts().unwrap().waited, Duration::from_millis(20 + 40 + 80));
    assert_eq!(code_of(get).await, 1500, "the last failure is handed back");
    let log: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.path == "/open-apis/im/v1/chats/oc_flaky")
        .collect();
    assert_eq!(log.len(), 4);
    let expected = [20, 40, 80];
    for (pair, ms) in log.windows(2).zip(expected) {
        assert!(pair[1].at - pair[0].at >= Duration::from_millis(ms));
    }
    let events = retries.0.lock().unwrap().clone();
    assert_eq!(
        events,
        expected.iter().map(|&ms| ("1500".to_owned(), ms)).collect::<Vec<_>>(),
        "one tracing event per retry, with code and delay"
    );

    // The caller may say a POST is idempotent.
    let post = client
        .post(mock.url("/open-apis/im/v1/chats"))
        .with_extension(Idempotent(true))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(post.attempts().unwrap().sent, 4);
}
