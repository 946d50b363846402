//! What hostile input, the official SDKs and a review showed: each test here failed
//! before its fix (issue "Hardening", section Mock).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use lark_errors::platform::{header, token};
use lark_errors_mock::{
    AppConfig, Config, FaultRule, MockServer, RateLimitConfig, RateLimits, RequestLog,
    TENANT_TOKEN_PATH, USER_TOKEN_PATH, UserConfig,
};
use serde_json::{Value, json};

async fn post(
    client: &reqwest::Client,
    url: String,
    body: Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = client.post(url).json(&body).send().await.expect("the mock answers");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

async fn get(
    client: &reqwest::Client,
    url: String,
    token: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = client.get(url).bearer_auth(token).send().await.expect("the mock answers");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

fn creds() -> Value {
    json!({"app_id": "cli_mock", "app_secret": "mock_secret"})
}

/// A raw HTTP/1.1 exchange: the response exactly as it came off the wire.
fn raw(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

// ---- 1. every platform fact from the library -----------------------------------------

// ---- 2. configuration ----------------------------------------------------------------

#[test]
fn durations_that_overflow_time_arithmetic_are_refused_at_load() {
    for toml in [
        "[tokens]\nttl_secs = 18446744073709551615\n",
        "[tokens]\nexpire_secs = 18446744073709551615\n",
        "[rate_limit]\nrequests = 1\nwindow_secs = 18446744073709551615\n",
        "[[users]]\nrefresh_token = \"ur-a\"\naccess_ttl_secs = 18446744073709551615\n",
        "[[faults]]\ncode = 99991400\nreset_secs = 18446744073709551615\n",
    ] {
        let e = Config::from_toml_str(toml).unwrap_err().to_string();
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("18446744073709551615") && e.contains("ten years"), "{e}");
    }
    let mut ok = Config::default();
    ok.tokens.ttl_secs = lark_errors_mock::config::MAX_SECS;
    ok.validate().unwrap();
}

#[test]
fn fault_statuses_that_cannot_carry_the_error_body_are_refused() {
    for status in [100, 101, 199, 204, 205, 304, 600, 999] {
        let mut c = Config::default();
        c.faults.push(FaultRule { status: Some(status), ..FaultRule::new("*", 1500) });
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains(&status.to_string()) && e.contains("body"), "{e}");
    }
    for status in [200, 302, 400, 429, 503, 599] {
        let mut c = Config::default();
        c.faults.push(FaultRule { status: Some(status), ..FaultRule::new("*", 1500) });
        c.validate().unwrap();
    }
}

#[test]
fn config_files_are_read_with_a_size_limit() {
    // /dev/zero never ends: read whole it would grow without bound.
    let e = Config::from_file("/dev/zero").unwrap_err().to_string();
    assert_eq!(e, "/dev/zero is larger than 1024 KiB: not a mock configuration");
    let dir = std::env::temp_dir().join(format!("lark-errors-mock-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.toml");
    std::fs::write(&big, format!("seed = 1\n#{}\n", "x".repeat(2 << 20))).unwrap();
    assert!(Config::from_file(&big).unwrap_err().to_string().contains("larger than"));
    let binary = dir.join("binary.toml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    let e = Config::from_file(&binary).unwrap_err().to_string();
    assert!(e.contains("not UTF-8"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

// ---- 3. logging never blocks serving -------------------------------------------------

/// The child half of `a_log_nobody_reads_does_not_stop_serving`: a mock logging to a
/// stderr pipe that its parent never reads. Does nothing when run as a plain test.
#[test]
fn child_mock_server() {
    if std::env::var_os("LARK_MOCK_CHILD").is_none() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // 3000 requests in a few seconds: beyond the documented tier of any API.
        let config = Config {
            tokens: lark_errors_mock::TokenConfig { require: false, ..Default::default() },
            rate_limits: RateLimits::Off,
            ..Config::default()
        };
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let mock = MockServer::bind_logged(config, addr, RequestLog::stderr(false)).await.unwrap();
        println!("CHILD-ADDR {}", mock.addr());
        // Serve until the parent closes our stdin.
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
    });
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_log_nobody_reads_does_not_stop_serving() {
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_mock_server", "--nocapture", "--test-threads", "1"])
        .env("LARK_MOCK_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped()) // never read
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(lines.read_line(&mut line).unwrap() > 0, "the child exited");
        // libtest may have written "test child_mock_server ... " on the same line.
        if let Some((_, addr)) = line.trim().split_once("CHILD-ADDR ") {
            break addr.parse::<std::net::SocketAddr>().unwrap();
        }
    };
    // Each request logs a line of ~40 bytes: 3000 of them fill a 64 KiB pipe twice over.
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for i in 0..3000 {
        // One write per request: `write!` would send it in pieces, each held back by
        // Nagle's algorithm until the last is acknowledged.
        let request = format!("GET /open-apis/im/v1/chats/oc_{i} HTTP/1.1\r\nHost: x\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut status = String::new();
        reader.read_line(&mut status).unwrap_or_else(|e| panic!("request {i}: {e}"));
        assert!(status.starts_with("HTTP/1.1 200"), "request {i}: {status}");
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
    }
    let stats = raw(addr, "GET /_mock/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let body: Value = serde_json::from_str(stats.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert!(body["log_lines_dropped"].as_u64().unwrap() > 0, "{body}");
}

// ---- 4. bounded state ----------------------------------------------------------------

#[tokio::test]
async fn path_counts_are_capped_and_the_stats_say_so() {
    let mut config = Config::default();
    config.tokens.require = false;
    config.server.max_paths = 10;
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    for i in 0..25 {
        get(&client, mock.url(&format!("/open-apis/p/{i}")), "x").await;
    }
    get(&client, mock.url("/open-apis/p/0"), "x").await;
    let stats = mock.stats();
    assert_eq!(stats.requests.len(), 10);
    assert_eq!(
        (stats.requests_to("/open-apis/p/0"), stats.other_paths, stats.paths_capped),
        (2, 15, true)
    );
    assert_eq!(stats.total(), 26);
    let r: Value = client.get(mock.url("/_mock/stats")).send().await.unwrap().json().await.unwrap();
    assert_eq!((r["other_paths"].clone(), r["paths_capped"].clone()), (json!(15), json!(true)));
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let mut config = Config::default();
    config.server.header_read_timeout_secs = 1;
    let mock = MockServer::start(config).await.unwrap();
    let addr = mock.addr();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        // A safety net far beyond the server's timeout: hitting it is the failure.
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream.write_all(b"GET /open-apis/x HTTP/1.1\r\nHost: x\r\n").unwrap();
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).map(|_| buf)
    })
    .await
    .unwrap();
    match outcome {
        // Closed (hyper may first answer 408).
        Ok(bytes) => assert!(bytes.is_empty() || bytes.starts_with(b"HTTP/1.1 408"), "{bytes:?}"),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
}

#[tokio::test]
async fn a_body_over_the_limit_gets_the_platforms_json_shape() {
    let mut config = Config::default();
    config.server.max_body_bytes = 1024;
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let r = client
        .post(mock.url("/open-apis/im/v1/messages"))
        .body(vec![b'x'; 300_000])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let log_id = r.headers()[header::LOG_ID].to_str().unwrap().to_owned();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], 90227);
    assert_eq!(body["msg"], lark_errors::lookup(90227)[0].message());
    assert_eq!(body["error"]["log_id"], log_id.as_str());
    // Within the limit, bodies are read as before.
    let (status, _, body) = post(&client, mock.url(TENANT_TOKEN_PATH), creds()).await;
    assert_eq!((status, body["code"].clone()), (200, json!(0)));
    assert_eq!(mock.stats().responses_with(90227), 1);
}

// ---- 5. fidelity with the official SDKs ----------------------------------------------

#[tokio::test]
async fn header_names_go_out_in_canonical_case() {
    let config = Config {
        rate_limit: Some(RateLimitConfig { requests: 1, window_secs: 60 }),
        tokens: lark_errors_mock::TokenConfig { require: false, ..Default::default() },
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let addr = mock.addr();
    let request = "GET /open-apis/im/v1/chats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (first, second) =
        tokio::task::spawn_blocking(move || (raw(addr, request), raw(addr, request)))
            .await
            .unwrap();
    let names = |response: &str| -> Vec<String> {
        let head = response.split("\r\n\r\n").next().unwrap();
        head.lines().skip(1).filter_map(|l| l.split_once(':')).map(|(k, _)| k.to_owned()).collect()
    };
    let first = names(&first);
    assert!(first.contains(&"Content-Type".to_owned()), "{first:?}");
    assert!(first.contains(&header::canonical(header::LOG_ID)), "{first:?}");
    assert!(first.contains(&"X-Tt-Logid".to_owned()), "{first:?}");
    let second = names(&second);
    for name in ["X-Ogw-Ratelimit-Limit", "X-Ogw-Ratelimit-Reset", "X-Tt-Logid", "Content-Type"] {
        assert!(second.contains(&name.to_owned()), "{name} in {second:?}");
    }
}

#[tokio::test]
async fn a_frequency_limit_fault_carries_the_rate_limit_headers() {
    let config = Config {
        faults: vec![
            FaultRule::new("/open-apis/im/v1/chats", 99991400),
            FaultRule {
                limit: Some(5),
                reset_secs: Some(7),
                ..FaultRule::new("/open-apis/im/v1/chats/oc_1", 99991400)
            },
        ],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let token = post(&client, mock.url(TENANT_TOKEN_PATH), creds()).await.2["tenant_access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Without `limit` and `reset_secs`: the API's shortest documented window (50/s).
    let (status, h, body) = get(&client, mock.url("/open-apis/im/v1/chats"), &token).await;
    assert_eq!((status, body["code"].clone()), (429, json!(99991400)));
    assert_eq!(
        (&h[header::RATELIMIT_LIMIT], &h[header::RATELIMIT_RESET]),
        (&"50".parse().unwrap(), &"1".parse().unwrap())
    );
    let (status, h, body) = get(&client, mock.url("/open-apis/im/v1/chats/oc_1"), &token).await;
    assert_eq!(
        (&h[header::RATELIMIT_LIMIT], &h[header::RATELIMIT_RESET]),
        (&"5".parse().unwrap(), &"7".parse().unwrap())
    );
    let pairs: Vec<(String, String)> =
        h.iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned())).collect();
    let d = lark_errors::diagnose(Some(status), &pairs, body.to_string().as_bytes());
    assert_eq!((d.retry_after_secs, d.rate_limit), (Some(7), Some(5)));
}

#[tokio::test]
async fn token_endpoints_hand_out_the_same_token_until_30_minutes_remain() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let client = reqwest::Client::new();
    let (_, _, a) = post(&client, mock.url(TENANT_TOKEN_PATH), creds()).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, _, b) = post(&client, mock.url(TENANT_TOKEN_PATH), creds()).await;
    assert_eq!(a["tenant_access_token"], b["tenant_access_token"]);
    assert_eq!(a["expire"], 7200);
    let left = b["expire"].as_u64().unwrap();
    assert!((7190..7200).contains(&left), "expire is the seconds left: {left}");
    let (_, _, app) = post(&client, mock.url(lark_errors_mock::APP_TOKEN_PATH), creds()).await;
    assert_eq!(app["tenant_access_token"], a["tenant_access_token"]);
    let (_, _, app2) = post(&client, mock.url(lark_errors_mock::APP_TOKEN_PATH), creds()).await;
    assert_eq!(app["app_access_token"], app2["app_access_token"]);

    // A token with less than 30 minutes left is replaced; the old one still works.
    let mut config = Config::default();
    config.tokens.ttl_secs = token::REISSUE_BELOW_SECS + 1;
    let mock = MockServer::start(config).await.unwrap();
    let (_, _, a) = post(&client, mock.url(TENANT_TOKEN_PATH), creds()).await;
    let (_, _, same) = post(&client, mock.url(TENANT_TOKEN_PATH), creds()).await;
    assert_eq!(a["tenant_access_token"], same["tenant_access_token"]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, _, b) = post(&client, mock.url(TENANT_TOKEN_PATH), creds()).await;
    assert_ne!(a["tenant_access_token"], b["tenant_access_token"]);
    assert_eq!(b["expire"], token::REISSUE_BELOW_SECS + 1);
    let old = a["tenant_access_token"].as_str().unwrap();
    assert_eq!(get(&client, mock.url("/open-apis/im/v1/chats"), old).await.2["code"], 0);
}

// ---- 6. the user-token endpoint ------------------------------------------------------

fn user(refresh_token: &str, change: impl FnOnce(&mut UserConfig)) -> UserConfig {
    let mut user = UserConfig::new(refresh_token);
    change(&mut user);
    user
}

fn refresh(refresh_token: &str) -> Value {
    json!({"grant_type": "refresh_token", "client_id": "cli_mock", "client_secret": "mock_secret", "refresh_token": refresh_token})
}

#[tokio::test]
async fn user_tokens_refresh_rotate_and_expire_as_documented() {
    let config = Config {
        apps: vec![
            AppConfig::default(),
            AppConfig { app_id: "cli_other".into(), app_secret: "s2".into(), disabled: false },
        ],
        users: vec![
            user("ur-alice", |u| u.access_ttl_secs = 1),
            user("ur-bob", |u| u.revoked = true),
            user("ur-carol", |u| u.expired = true),
        ],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let url = mock.url(USER_TOKEN_PATH);

    let (status, h, first) = post(&client, url.clone(), refresh("ur-alice")).await;
    assert_eq!((status, first["code"].clone()), (200, json!(0)), "{first}");
    assert!(h.contains_key(header::LOG_ID));
    let access = first["access_token"].as_str().unwrap().to_owned();
    let rotated = first["refresh_token"].as_str().unwrap().to_owned();
    assert!(access.starts_with("u-") && rotated.starts_with("ur-") && rotated != "ur-alice");
    assert_eq!(first["expires_in"], 1);
    assert_eq!(first["refresh_token_expires_in"], 7 * 86_400);
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["scope"], "offline_access");

    // The user token is accepted on business endpoints.
    let (status, _, body) = get(&client, mock.url("/open-apis/authen/v1/user_info"), &access).await;
    assert_eq!((status, body["code"].clone()), (200, json!(0)));

    // Single use: the spent refresh token is refused, the new one works once.
    let (status, _, body) = post(&client, url.clone(), refresh("ur-alice")).await;
    assert_eq!(
        (status, body["code"].clone(), body["error"].clone()),
        (400, json!(20073), json!("invalid_grant"))
    );
    assert_eq!(
        body["error_description"],
        "The refresh token has been used. Please note that a refresh token can only be used once."
    );
    let (_, _, second) = post(&client, url.clone(), refresh(&rotated)).await;
    assert_eq!(second["code"], 0);
    assert_eq!(post(&client, url.clone(), refresh(&rotated)).await.2["code"], 20073);

    for (body, status, code) in [
        (refresh("ur-bob"), 400, 20064),
        (refresh("ur-carol"), 400, 20037),
        (refresh("ur-nobody"), 400, 20026),
        (
            json!({"grant_type": "refresh_token", "client_id": "cli_mock", "client_secret": "wrong", "refresh_token": "ur-x"}),
            400,
            20002,
        ),
        (
            json!({"grant_type": "authorization_code", "client_id": "cli_mock", "client_secret": "mock_secret", "refresh_token": "ur-x"}),
            400,
            20036,
        ),
        (
            json!({"grant_type": "refresh_token", "client_id": "cli_mock", "client_secret": "mock_secret"}),
            400,
            20001,
        ),
        (
            json!({"grant_type": "refresh_token", "client_id": "cli_nobody", "client_secret": "s", "refresh_token": "ur-x"}),
            400,
            20048,
        ),
        (json!([1, 2]), 400, 20063),
    ] {
        let (s, h, b) = post(&client, url.clone(), body.clone()).await;
        assert_eq!((s, b["code"].clone()), (status, json!(code)), "{body} -> {b}");
        assert!(b["error"].is_string() && b["error_description"].is_string(), "{b}");
        assert!(h.contains_key(header::LOG_ID));
    }
    // Another app's credentials with this app's user: 20024.
    let fresh = second["refresh_token"].as_str().unwrap();
    let other = json!({"grant_type": "refresh_token", "client_id": "cli_other", "client_secret": "s2", "refresh_token": fresh});
    assert_eq!(post(&client, url.clone(), other).await.2["code"], 20024);

    // Once its life is over, a user token gets 99991677, not 99991663.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, body) = get(&client, mock.url("/open-apis/authen/v1/user_info"), &access).await;
    assert_eq!((status, body["code"].clone()), (400, json!(99991677)), "{body}");
    let d = lark_errors::diagnose(
        Some(status),
        &lark_errors::diagnose::NoHeaders,
        body.to_string().as_bytes(),
    );
    assert_eq!(d.action(), Some(lark_errors::Action::RefreshToken));

    let stats = mock.stats();
    assert_eq!(stats.user_token_refreshes, 2);
    assert_eq!(stats.token_fetches, 0);
}

#[tokio::test]
async fn user_config_is_validated() {
    let bad_app = Config {
        users: vec![user("ur-a", |u| u.app_id = "cli_nobody".into())],
        ..Config::default()
    };
    assert!(bad_app.validate().unwrap_err().to_string().contains("cli_nobody"));
    let twice = Config {
        users: vec![UserConfig::new("ur-a"), UserConfig::new("ur-a")],
        ..Config::default()
    };
    assert!(twice.validate().unwrap_err().to_string().contains("another user"));
    let c = Config::from_toml_str("[[users]]\nrefresh_token = \"ur-t\"\nrevoked = true\n").unwrap();
    assert!(c.users[0].revoked);
}
