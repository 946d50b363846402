//! The mock server over loopback, with a plain reqwest client.

use std::time::Duration;

use lark_errors::diagnose::diagnose;
use lark_errors::{Action, Category};
use lark_errors_mock::{
    APP_TOKEN_PATH, AppConfig, Config, FaultRule, MockServer, RateLimitConfig, TENANT_TOKEN_PATH,
};
use serde_json::{Value, json};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
    raw: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn code(&self) -> i64 {
        self.body["code"].as_i64().expect("a code")
    }
}

async fn send(req: reqwest::RequestBuilder) -> Reply {
    let r = req.send().await.expect("the mock answers");
    let status = r.status().as_u16();
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let raw = r.bytes().await.unwrap().to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Reply { status, headers, body, raw }
}

async fn tenant_token(client: &reqwest::Client, mock: &MockServer) -> String {
    let r = send(
        client
            .post(mock.url(TENANT_TOKEN_PATH))
            .json(&json!({"app_id": "cli_mock", "app_secret": "mock_secret"})),
    )
    .await;
    assert_eq!((r.status, r.code()), (200, 0), "{:?}", r.body);
    r.body["tenant_access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn token_endpoints_issue_tokens_and_refuse_bad_credentials() {
    let config = Config {
        apps: vec![
            AppConfig::default(),
            AppConfig { app_id: "cli_off".into(), app_secret: "s".into(), disabled: true },
        ],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();

    let r = send(
        client
            .post(mock.url(TENANT_TOKEN_PATH))
            .json(&json!({"app_id": "cli_mock", "app_secret": "mock_secret"})),
    )
    .await;
    assert_eq!((r.status, r.code()), (200, 0));
    assert!(r.body["tenant_access_token"].as_str().unwrap().starts_with("t-"));
    assert_eq!(r.body["expire"], 7200);

    let r = send(
        client
            .post(mock.url(APP_TOKEN_PATH))
            .json(&json!({"app_id": "cli_mock", "app_secret": "mock_secret"})),
    )
    .await;
    assert_eq!(r.code(), 0);
    assert!(r.body["app_access_token"].as_str().unwrap().starts_with("a-"));
    assert!(r.body["tenant_access_token"].as_str().unwrap().starts_with("t-"));

    // Credential errors: HTTP 200 with the documented code, as the platform does.
    for (body, code) in [
        (json!({"app_id": "cli_mock", "app_secret": "wrong"}), 10015),
        (json!({"app_id": "cli_off", "app_secret": "s"}), 10014),
        (json!({"app_id": "cli_nobody", "app_secret": "s"}), 10003),
        (json!({"app_id": "cli_mock"}), 10003),
    ] {
        let r = send(client.post(mock.url(TENANT_TOKEN_PATH)).json(&body)).await;
        assert_eq!((r.status, r.code()), (200, code), "{body}");
        let entry = &lark_errors::lookup(code as u32)[0];
        assert_eq!(r.body["msg"], entry.message());
        assert!(r.header("x-tt-logid").is_some());
    }
    let r = send(client.post(mock.url(TENANT_TOKEN_PATH)).body("not json")).await;
    assert_eq!(r.code(), 10003);

    let stats = mock.stats();
    assert_eq!(stats.token_fetches, 2);
    assert_eq!(stats.requests_to(TENANT_TOKEN_PATH), 6);
    assert_eq!(stats.requests_to(APP_TOKEN_PATH), 1);
}

#[tokio::test]
async fn business_endpoints_check_the_token() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let client = reqwest::Client::new();
    let path = "/open-apis/im/v1/chats";

    let r = send(client.get(mock.url(path))).await;
    assert_eq!((r.status, r.code()), (400, 99991661));
    let log_id = r.body["error"]["log_id"].as_str().unwrap().to_owned();
    assert_eq!(r.header("x-tt-logid"), Some(log_id.as_str()));
    assert!(r.body["error"]["troubleshooter"].as_str().unwrap().contains(&log_id));
    let d = diagnose(Some(r.status), &r.headers, &r.raw);
    assert_eq!(d.log_id.as_deref(), Some(log_id.as_str()));
    assert_eq!(d.category(), Some(Category::Authentication));

    let r = send(client.get(mock.url(path)).bearer_auth("t-never-issued")).await;
    assert_eq!((r.status, r.code()), (400, 99991663));
    let d = diagnose(Some(r.status), &r.headers, &r.raw);
    assert_eq!(d.action(), Some(Action::RefreshToken));

    let token = tenant_token(&client, &mock).await;
    let r = send(client.post(mock.url(path)).bearer_auth(&token)).await;
    assert_eq!((r.status, r.code()), (200, 0));
    assert_eq!(r.body["msg"], "success");
    assert_eq!(r.body["data"], json!({}));
    assert!(r.header("x-tt-logid").is_some());

    let stats = mock.stats();
    assert_eq!(stats.requests_to(path), 3);
    assert_eq!(
        (stats.responses_with(99991661), stats.responses_with(99991663), stats.responses_with(0)),
        (1, 1, 2)
    );

    // Paths outside /open-apis are not routed, as on the platform's gateway.
    let r = send(client.get(mock.url("/nothing"))).await;
    assert_eq!(r.status, 404);
    assert!(r.header("x-tt-logid").is_some());
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let mut config = Config::default();
    config.tokens.ttl_secs = 1;
    config.tokens.expire_secs = Some(3600);
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let r = send(
        client
            .post(mock.url(TENANT_TOKEN_PATH))
            .json(&json!({"app_id": "cli_mock", "app_secret": "mock_secret"})),
    )
    .await;
    assert_eq!(r.body["expire"], 3600, "the reported expiry, not the real one");
    let token = r.body["tenant_access_token"].as_str().unwrap().to_owned();
    let path = "/open-apis/im/v1/chats";
    assert_eq!(send(client.get(mock.url(path)).bearer_auth(&token)).await.code(), 0);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(send(client.get(mock.url(path)).bearer_auth(&token)).await.code(), 99991663);
}

#[tokio::test]
async fn rate_limit_per_app_and_path_with_true_reset() {
    let config = Config {
        apps: vec![
            AppConfig::default(),
            AppConfig { app_id: "cli_other".into(), app_secret: "s2".into(), disabled: false },
        ],
        rate_limit: Some(RateLimitConfig { requests: 2, window_secs: 2 }),
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let token = tenant_token(&client, &mock).await;
    let other = send(
        client
            .post(mock.url(TENANT_TOKEN_PATH))
            .json(&json!({"app_id": "cli_other", "app_secret": "s2"})),
    )
    .await
    .body["tenant_access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Two APIs: GET chats and GET a chat.
    let (a, b) = ("/open-apis/im/v1/chats", "/open-apis/im/v1/chats/oc_1");

    for _ in 0..2 {
        assert_eq!(send(client.get(mock.url(a)).bearer_auth(&token)).await.code(), 0);
    }
    let r = send(client.get(mock.url(a)).bearer_auth(&token)).await;
    assert_eq!((r.status, r.code()), (429, 99991400));
    assert_eq!(r.body["msg"], "request trigger frequency limit");
    assert_eq!(r.header("x-ogw-ratelimit-limit"), Some("2"));
    let reset: u64 = r.header("x-ogw-ratelimit-reset").unwrap().parse().unwrap();
    assert!((1..=2).contains(&reset), "{reset}");
    let d = diagnose(Some(r.status), &r.headers, &r.raw);
    assert_eq!(
        (d.action(), d.retry_after_secs, d.rate_limit),
        (Some(Action::WaitAndRetry), Some(reset), Some(2))
    );

    // Another path, and the same path for another app, have their own windows.
    assert_eq!(send(client.get(mock.url(b)).bearer_auth(&token)).await.code(), 0);
    assert_eq!(send(client.get(mock.url(a)).bearer_auth(&other)).await.code(), 0);

    tokio::time::sleep(Duration::from_secs(reset)).await;
    assert_eq!(send(client.get(mock.url(a)).bearer_auth(&token)).await.code(), 0);
    let log = mock.requests();
    assert_eq!(log.iter().filter(|r| r.code == 99991400).count(), 1);
    assert_eq!(log.iter().find(|r| r.code == 99991400).unwrap().reset_secs, Some(reset));
}

#[tokio::test]
async fn faults_fire_on_nth_times_and_by_method() {
    let config = Config {
        faults: vec![
            FaultRule::new("/open-apis/im/v1/chats/oc_nth", 1500).nth(2),
            FaultRule::new("/open-apis/im/v1/chats/oc_times", 1500).times(2),
            FaultRule::new("/open-apis/im/v1/messages", 1500).method("post"),
            FaultRule {
                values: vec!["10.1.2.3".into()],
                ..FaultRule::new("/open-apis/im/v1/chats/oc_ip", 99991401)
            },
            FaultRule {
                status: Some(503),
                ..FaultRule::new("/open-apis/im/v1/chats/oc_status", 1500)
            },
        ],
        tokens: lark_errors_mock::TokenConfig { require: false, ..Default::default() },
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let codes = |path: &'static str, method: reqwest::Method, n: usize| {
        let client = client.clone();
        let url = mock.url(path);
        async move {
            let mut out = Vec::new();
            for _ in 0..n {
                out.push(send(client.request(method.clone(), &url)).await.code());
            }
            out
        }
    };
    assert_eq!(
        codes("/open-apis/im/v1/chats/oc_nth", reqwest::Method::GET, 4).await,
        [0, 1500, 0, 0]
    );
    assert_eq!(
        codes("/open-apis/im/v1/chats/oc_times", reqwest::Method::GET, 4).await,
        [1500, 1500, 0, 0]
    );
    assert_eq!(codes("/open-apis/im/v1/messages", reqwest::Method::GET, 2).await, [0, 0]);
    assert_eq!(codes("/open-apis/im/v1/messages", reqwest::Method::POST, 2).await, [1500, 1500]);

    let r = send(client.get(mock.url("/open-apis/im/v1/chats/oc_ip"))).await;
    assert_eq!(r.body["msg"], "ip 10.1.2.3 is denied by app setting");
    let d = diagnose(Some(r.status), &r.headers, &r.raw);
    assert_eq!(d.values, ["10.1.2.3"]);

    let r = send(client.get(mock.url("/open-apis/im/v1/chats/oc_status"))).await;
    assert_eq!((r.status, r.code()), (503, 1500));
    assert_eq!(r.body["msg"], "internal error");
}

#[tokio::test]
async fn scope_errors_carry_permission_violations() {
    let scopes = ["contact:user.base:readonly", "contact:user.email:readonly"];
    let config = Config {
        faults: vec![FaultRule::new("/open-apis/contact/*", 99991672).scopes(scopes)],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let token = tenant_token(&client, &mock).await;
    let r =
        send(client.get(mock.url("/open-apis/contact/v3/users/ou_1")).bearer_auth(&token)).await;
    assert_eq!((r.status, r.code()), (400, 99991672));
    let violations = r.body["error"]["permission_violations"].as_array().unwrap();
    assert_eq!(violations.len(), 2);
    assert_eq!(violations[0]["type"], "action_scope_required");
    let d = diagnose(Some(r.status), &r.headers, &r.raw);
    assert_eq!(d.missing_scopes, scopes);
    assert_eq!(d.action(), Some(Action::RequestScope));
    assert!(d.known());
}

#[tokio::test]
async fn probabilities_are_reproducible_from_the_seed() {
    let config = Config {
        seed: 7,
        faults: vec![FaultRule::new("*", 1500).probability(0.5)],
        tokens: lark_errors_mock::TokenConfig { require: false, ..Default::default() },
        ..Config::default()
    };
    let client = reqwest::Client::new();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let mock = MockServer::start(config.clone()).await.unwrap();
        let mut codes = Vec::new();
        for _ in 0..40 {
            codes.push(send(client.get(mock.url("/open-apis/im/v1/chats"))).await.code());
        }
        runs.push(codes);
    }
    assert_eq!(runs[0], runs[1]);
    let failures = runs[0].iter().filter(|&&c| c == 1500).count();
    assert!((5..=35).contains(&failures), "{failures} of 40");
}

#[tokio::test]
async fn stats_endpoint_and_config_files() {
    let dir = std::env::temp_dir().join(format!("lark-errors-mock-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml_path = dir.join("mock.toml");
    std::fs::write(
        &toml_path,
        "seed = 3\n[tokens]\nrequire = false\n[[faults]]\npath = \"/open-apis/im/v1/chats\"\ncode = 1500\nnth = 1\n",
    )
    .unwrap();
    let json_path = dir.join("mock.json");
    std::fs::write(&json_path, r#"{"seed": 3, "tokens": {"require": false}, "faults": [{"path": "/open-apis/im/v1/chats", "code": 1500, "nth": 1}]}"#)
        .unwrap();
    let from_toml = Config::from_file(&toml_path).unwrap();
    assert_eq!(from_toml, Config::from_file(&json_path).unwrap());
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[faults]]\ncode = 42\n").unwrap();
    assert!(Config::from_file(&bad).unwrap_err().to_string().contains("not documented"));
    assert!(Config::from_file(dir.join("missing.toml")).is_err());
    std::fs::remove_dir_all(&dir).ok();

    let mock = MockServer::start(from_toml).await.unwrap();
    let client = reqwest::Client::new();
    for _ in 0..3 {
        send(client.get(mock.url("/open-apis/im/v1/chats"))).await;
    }
    let r = send(client.get(mock.url(lark_errors_mock::STATS_PATH))).await;
    assert_eq!(r.body["requests"]["/open-apis/im/v1/chats"], 3);
    assert_eq!(r.body["apis"]["GET /open-apis/im/v1/chats"], 3);
    assert_eq!(r.body["codes"]["1500"], 1);
    assert_eq!(r.body["codes"]["0"], 2);
    assert_eq!(r.body["token_fetches"], 0);
    // The stats endpoint does not count itself.
    assert_eq!(mock.stats().total(), 3);
    let log = mock.requests();
    assert_eq!(log.iter().map(|r| r.code).collect::<Vec<_>>(), [1500, 0, 0]);
    assert!(log.windows(2).all(|w| w[0].seq < w[1].seq && w[0].at <= w[1].at));
}

#[tokio::test]
async fn invalid_config_is_refused_at_start() {
    let config = Config { faults: vec![FaultRule::new("*", 1)], ..Config::default() };
    let err = MockServer::start(config).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}
