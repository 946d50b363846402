//! The mock as the platform's API surface: every documented API is a route, each limited
//! by its documented tier per app, faults rendered from the API's own entries, and the
//! user-token refresh a client meets when its user_access_token has expired. Expected
//! values come from the catalog (`lark_errors::catalog`), not from strings written here.

use std::time::Duration;

use lark_errors::catalog::{Api, Method};
use lark_errors::diagnose::Diagnoser;
use lark_errors::platform::{code, header, oauth, token};
use lark_errors_mock::{
    APIS_PATH, ApiLimit, AppConfig, Config, FaultRule, MockServer, RateLimits, STATS_PATH,
    TENANT_TOKEN_PATH, USER_TOKEN_PATH, UserConfig,
};
use serde_json::{Value, json};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    raw: Vec<u8>,
    body: Value,
}

impl Reply {
    fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(-1)
    }

    fn header(&self, name: &str) -> Option<u64> {
        self.text_header(name)?.parse().ok()
    }

    fn text_header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
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
    Reply { status, headers, raw, body }
}

fn api(method: Method, path: &str) -> &'static Api {
    lark_errors::route(method, path).unwrap_or_else(|| panic!("{method} {path} is documented"))
}

/// A concrete path of `api`: each `:param` filled with an ID-like value.
fn concrete(api: &Api) -> String {
    api.path()
        .split('/')
        .map(|s| s.strip_prefix(':').map_or_else(|| s.to_owned(), |name| format!("x_{name}")))
        .collect::<Vec<_>>()
        .join("/")
}

fn reqwest_method(m: Method) -> reqwest::Method {
    m.as_str().parse().unwrap()
}

async fn tenant_token(
    mock: &MockServer,
    client: &reqwest::Client,
    app: &str,
    secret: &str,
) -> String {
    let r = send(
        client
            .post(mock.url(TENANT_TOKEN_PATH))
            .json(&json!({token::APP_ID: app, token::APP_SECRET: secret})),
    )
    .await;
    r.body[token::TENANT_ACCESS_TOKEN].as_str().expect("a token").to_owned()
}

async fn call(mock: &MockServer, client: &reqwest::Client, api: &Api, bearer: &str) -> Reply {
    let req = client.request(reqwest_method(api.method()), mock.url(&concrete(api)));
    send(req.bearer_auth(bearer)).await
}

// ---- routes --------------------------------------------------------------------------

#[tokio::test]
async fn an_undocumented_path_gets_the_gateways_404_and_a_documented_one_success() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let client = reqwest::Client::new();
    let bearer = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    let missing = &lark_errors::lookup(code::RESOURCE_NOT_FOUND)[0];

    // No API has the path, or not with this method (GET and POST only at im/v1/messages).
    for (method, path) in [
        (reqwest::Method::GET, "/open-apis/no/such/api"),
        (reqwest::Method::DELETE, "/open-apis/im/v1/messages"),
        (reqwest::Method::GET, "/open-apis/im/v1/chats/oc_1/no_such_child"),
    ] {
        let r = send(client.request(method.clone(), mock.url(path)).bearer_auth(&bearer)).await;
        assert_eq!(Some(r.status), missing.http_status(), "{method} {path}");
        assert_eq!(r.code(), i64::from(missing.code()));
        assert_eq!(r.body["msg"], missing.message());
        let log_id = r.text_header(header::LOG_ID).unwrap();
        assert_eq!(r.body["error"]["log_id"], log_id);
        let d = lark_errors::diagnose(Some(r.status), &r.headers, &r.raw);
        assert!(std::ptr::eq(d.entry.unwrap(), missing));
    }
    // Before the token check: no token, still the 404.
    let r = send(client.get(mock.url("/open-apis/no/such/api"))).await;
    assert_eq!(r.code(), i64::from(code::RESOURCE_NOT_FOUND));

    // Every documented API answers success (one call each, a fresh window each).
    let success = json!({"code": code::OK, "msg": "success", "data": {}});
    let mut called = 0;
    for api in lark_errors::apis().iter().step_by(97) {
        let r = call(&mock, &client, api, &bearer).await;
        let path = concrete(api);
        if path == TENANT_TOKEN_PATH || path == USER_TOKEN_PATH || path.contains("app_access_token")
        {
            continue;
        }
        assert_eq!((r.status, &r.body), (200, &success), "{api}");
        called += 1;
    }
    assert!(called > 10, "{called}");
    let stats = mock.stats();
    assert_eq!(stats.responses_with(i64::from(code::RESOURCE_NOT_FOUND)), 4);
    assert_eq!(stats.requests_to_api("GET /open-apis/im/v1/chats/:chat_id"), 0);
    // Each documented API counted under its template.
    let first = &lark_errors::apis()[0];
    assert!(stats.requests_to_api(&first.to_string()) >= 1, "{first}");

    // The token endpoints and the stats still work.
    let r = send(client.get(mock.url(STATS_PATH))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["token_fetches"], 1);

    // The route list: every API, with the windows of its documented tier.
    let r = send(client.get(mock.url(APIS_PATH))).await;
    let routes = r.body.as_array().unwrap();
    assert_eq!(routes.len(), lark_errors::apis().len());
    for (route, api) in routes.iter().zip(lark_errors::apis()) {
        assert_eq!(route["api"], api.to_string());
        let documented: Vec<Value> = api
            .rate_limit()
            .iter()
            .flat_map(|t| t.windows())
            .map(|w| json!({"limit": w.limit(), "period_secs": w.period().as_secs()}))
            .collect();
        assert_eq!(route["windows"], Value::from(documented), "{api}");
    }
}

// ---- per-API faults ------------------------------------------------------------------

#[tokio::test]
async fn an_apis_own_errors_come_with_their_documented_status_and_message() {
    // The API's own entries, one per code (sub-code rows aside), in code order.
    let own_of = |api: &'static Api| {
        let mut own: Vec<&'static lark_errors::Entry> = Vec::new();
        for e in api.entries().iter().copied().filter(|e| e.parent_code().is_none()) {
            if own.last().is_none_or(|last| last.code() != e.code()) {
                own.push(e);
            }
        }
        own
    };
    // The API whose own entries have the most distinct HTTP statuses.
    let statuses = |api: &'static Api| {
        let mut s: Vec<Option<u16>> = own_of(api).iter().map(|e| e.http_status()).collect();
        s.sort_unstable();
        s.dedup();
        s.len()
    };
    let im = lark_errors::apis().iter().max_by_key(|a| statuses(a)).unwrap();
    let own = own_of(im);
    assert!(statuses(im) >= 3, "{im}: statuses besides 400");
    // Each rule fires once, so request i meets rule i.
    let faults =
        own.iter().map(|e| FaultRule::api(im.to_string(), e.code()).times(1)).collect::<Vec<_>>();
    let config = Config { faults, rate_limits: RateLimits::Off, ..Config::default() };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let bearer = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    let diagnoser = Diagnoser::new().api(Some(im));
    for e in &own {
        let r = call(&mock, &client, im, &bearer).await;
        assert_eq!(r.status, e.http_status().unwrap_or(400), "{}", e.code());
        assert_eq!(r.code(), i64::from(e.code()));
        let values = vec!["mock"; e.placeholders().len()];
        let msg = r.body["msg"].as_str().unwrap();
        assert!(msg.starts_with(&e.render_message(&values)), "{msg}");
        // The client's diagnosis, knowing the API, lands on that very entry.
        let d = diagnoser.diagnose(Some(r.status), &r.headers, &r.raw);
        assert_eq!(d.entry.map(|d| (d.code(), d.message())), Some((e.code(), e.message())));
    }
    let r = call(&mock, &client, im, &bearer).await;
    assert_eq!(r.code(), 0, "every rule fired once");
    assert_eq!(mock.stats().requests_to_api(&im.to_string()), own.len() as u64 + 1);
}

#[tokio::test]
async fn a_path_rule_answers_with_the_routed_apis_entry_else_the_generic_one() {
    // A code the chat API documents, and one only the generic page has.
    let chat = api(Method::Get, "/open-apis/im/v1/chats/:chat_id");
    let own = chat.lookup(232011).first().copied().or_else(|| chat.entries().first().copied());
    let own = own.unwrap();
    let generic = &lark_errors::lookup(99991401)[0];
    assert!(chat.lookup(generic.code()).is_empty());
    let config = Config {
        faults: vec![
            FaultRule::new("/open-apis/im/v1/chats/oc_own", own.code()),
            FaultRule {
                values: vec!["10.0.0.9".into()],
                ..FaultRule::new("/open-apis/im/v1/chats/oc_generic", generic.code())
            },
        ],
        tokens: lark_errors_mock::TokenConfig { require: false, ..Default::default() },
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let r = send(client.get(mock.url("/open-apis/im/v1/chats/oc_own"))).await;
    assert_eq!((r.status, r.code()), (own.http_status().unwrap_or(400), i64::from(own.code())));
    let values = vec!["mock"; own.placeholders().len()];
    assert_eq!(r.body["msg"], own.render_message(&values));
    let r = send(client.get(mock.url("/open-apis/im/v1/chats/oc_generic"))).await;
    assert_eq!(r.code(), i64::from(generic.code()));
    assert_eq!(r.body["msg"], generic.render_message(&["10.0.0.9"]));
    assert_eq!(r.status, generic.http_status().unwrap_or(400));
}

#[tokio::test]
async fn sub_codes_render_as_the_platform_carries_them() {
    let im = api(Method::Post, "/open-apis/im/v1/messages");
    let parent = im.lookup(230099).iter().copied().find(|e| e.parent_code().is_none()).unwrap();
    let rows: Vec<&'static lark_errors::Entry> =
        im.entries().iter().copied().filter(|e| e.parent_code() == Some(230099)).collect();
    // A row that gives the whole msg, and one that gives only the sub-error's text.
    let full = rows.iter().copied().find(|e| e.message().contains("ErrCode:")).unwrap();
    let short = rows.iter().copied().find(|e| !e.message().contains("ErrCode:")).unwrap();
    let config = Config {
        faults: vec![
            FaultRule::api(im.to_string(), 230099).sub_code(full.code()).times(1),
            FaultRule::api(im.to_string(), 230099).sub_code(short.code()).times(1),
        ],
        rate_limits: RateLimits::Off,
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let bearer = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    for row in [full, short] {
        let r = send(client.post(mock.url("/open-apis/im/v1/messages")).bearer_auth(&bearer)).await;
        assert_eq!((r.status, r.code()), (parent.http_status().unwrap_or(400), 230099));
        let values = vec!["mock"; row.placeholders().len()];
        assert_eq!(r.body["msg"], row.render_sub_message(parent, &values));
        let d = Diagnoser::new().api(Some(im)).diagnose(Some(r.status), &r.headers, &r.raw);
        assert!(std::ptr::eq(d.entry.unwrap(), parent));
        assert!(std::ptr::eq(d.sub_entry.expect("the sub-code is found again"), row));
    }
    // A sub-code the API's table does not have is refused at load.
    let mut bad = Config::default();
    bad.faults.push(FaultRule::api(im.to_string(), 230099).sub_code(1));
    assert!(bad.validate().unwrap_err().to_string().contains("sub-code 1"));
}

#[tokio::test]
async fn a_scope_error_lists_the_apis_documented_scopes() {
    let user = api(Method::Get, "/open-apis/contact/v3/users/:user_id");
    let scopes: Vec<&str> = user.scopes().iter().map(|s| s.id()).collect();
    assert!(scopes.len() > 1, "{scopes:?}");
    let config = Config {
        faults: vec![FaultRule::api(user.to_string(), code::SCOPE_MISSING)],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let bearer = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    let r = call(&mock, &client, user, &bearer).await;
    let entry = lark_errors::resolve_with(code::SCOPE_MISSING, "", Some(user)).unwrap().entry;
    assert_eq!(
        (r.status, r.code()),
        (entry.http_status().unwrap_or(400), i64::from(code::SCOPE_MISSING))
    );
    let msg = r.body["msg"].as_str().unwrap();
    assert_eq!(msg, format!("{}: [{}]", entry.message(), scopes.join(", ")));
    let subjects: Vec<&str> = r.body["error"]["permission_violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, scopes);
    let d = Diagnoser::new().api(Some(user)).diagnose(Some(r.status), &r.headers, &r.raw);
    assert_eq!(d.missing_scopes, scopes);
    assert_eq!(d.required_scopes().iter().map(|s| s.id()).collect::<Vec<_>>(), scopes);
}

// ---- documented rate limits ----------------------------------------------------------

/// The API's shortest documented window: (limit, seconds).
fn shortest_window(api: &Api) -> (u64, u64) {
    let w = api.rate_limit().unwrap().windows().next().unwrap();
    (u64::from(w.limit()), w.period().as_secs())
}

#[tokio::test]
async fn a_burst_beyond_the_documented_tier_gets_429_with_true_headers() {
    let im = api(Method::Post, "/open-apis/im/v1/messages");
    let (limit, secs) = shortest_window(im);
    assert_eq!((limit, secs), (50, 1), "the API documented at 50/s");
    let config = Config {
        apps: vec![
            AppConfig::default(),
            AppConfig { app_id: "cli_two".into(), app_secret: "s2".into(), disabled: false },
        ],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let one = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    let two = tenant_token(&mock, &client, "cli_two", "s2").await;
    let burst = limit + 10;
    let mut refused = Vec::new();
    for _ in 0..burst {
        let r = call(&mock, &client, im, &one).await;
        if r.code() != 0 {
            refused.push(r);
        }
    }
    // All inside one window of the tier (the mock's clock says so).
    let log = mock.requests();
    let calls: Vec<_> = log.iter().filter(|r| r.path == "/open-apis/im/v1/messages").collect();
    assert_eq!(calls.len() as u64, burst);
    let span = calls.last().unwrap().at - calls[0].at;
    assert!(span < Duration::from_secs(secs), "the burst took {span:?}: too slow to test");
    assert_eq!(refused.len() as u64, burst - limit);
    assert!(calls.iter().take(limit as usize).all(|r| r.code == 0));
    let limited = &lark_errors::lookup(code::FREQUENCY_LIMIT)[0];
    for r in &refused {
        assert_eq!(
            (Some(r.status), r.code()),
            (limited.http_status(), i64::from(code::FREQUENCY_LIMIT))
        );
        assert_eq!(r.header(header::RATELIMIT_LIMIT), Some(limit));
        let reset = r.header(header::RATELIMIT_RESET).unwrap();
        assert!((1..=secs).contains(&reset), "{reset}");
        let d = lark_errors::diagnose(Some(r.status), &r.headers, &r.raw);
        assert_eq!(d.retry_after_secs, Some(reset));
    }
    // Per app and per API: another app, and another API of the same app, are not limited.
    assert_eq!(call(&mock, &client, im, &two).await.code(), 0);
    let chats = api(Method::Get, "/open-apis/im/v1/chats");
    assert_eq!(call(&mock, &client, chats, &one).await.code(), 0);
    // After the reset, the app may call again.
    let wait = refused.last().unwrap().header(header::RATELIMIT_RESET).unwrap();
    tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(50)).await;
    assert_eq!(call(&mock, &client, im, &one).await.code(), 0);
    assert_eq!(mock.stats().responses_with(i64::from(code::FREQUENCY_LIMIT)), burst - limit);
}

#[tokio::test]
async fn limits_can_be_turned_off_or_overridden_per_api_every_window_at_once() {
    let im = api(Method::Post, "/open-apis/im/v1/messages");
    let chat = api(Method::Get, "/open-apis/im/v1/chats/:chat_id");
    let (limit, _) = shortest_window(im);
    let off = Config { rate_limits: RateLimits::Off, ..Config::default() };
    let mock = MockServer::start(off).await.unwrap();
    let client = reqwest::Client::new();
    let bearer = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    for _ in 0..limit + 5 {
        assert_eq!(call(&mock, &client, im, &bearer).await.code(), 0);
    }
    drop(mock);

    // 3 a second and 5 a minute for the chat API: both windows apply.
    let config = Config::from_toml_str(&format!(
        "[[api_limits]]\napi = \"{chat}\"\nper_second = 3\nper_minute = 5\n\
         [[api_limits]]\napi = \"/open-apis/im/v1/messages\"\n"
    ))
    .unwrap();
    assert_eq!(config.api_limits[1].tier(), None, "an entry without windows: unlimited");
    let mock = MockServer::start(config).await.unwrap();
    let bearer = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    let codes = |n| {
        let (mock, client, bearer) = (&mock, &client, &bearer);
        async move {
            let mut out = Vec::new();
            for _ in 0..n {
                out.push(call(mock, client, chat, bearer).await);
            }
            out
        }
    };
    let first = codes(4).await;
    assert_eq!(first.iter().map(Reply::code).collect::<Vec<_>>(), [0, 0, 0, 99991400]);
    assert_eq!(first[3].header(header::RATELIMIT_LIMIT), Some(3));
    assert_eq!(first[3].header(header::RATELIMIT_RESET), Some(1));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = codes(3).await;
    assert_eq!(second.iter().map(Reply::code).collect::<Vec<_>>(), [0, 0, 99991400]);
    // Now the minute's window trips: its limit, and the seconds left in it.
    assert_eq!(second[2].header(header::RATELIMIT_LIMIT), Some(5));
    let reset = second[2].header(header::RATELIMIT_RESET).unwrap();
    assert!((57..=59).contains(&reset), "{reset}");
    // The API given no window is not limited; others keep their documented tier.
    for _ in 0..limit + 5 {
        assert_eq!(call(&mock, &client, im, &bearer).await.code(), 0);
    }
    let chats = api(Method::Get, "/open-apis/im/v1/chats");
    assert!(chats.rate_limit().is_some());

    // A pattern naming no API, or an API that is not documented, is refused at load.
    for api in ["/open-apis/nothing/*", "GET /open-apis/no/such/api"] {
        let mut bad = Config::default();
        bad.api_limits.push(ApiLimit::per_second(api, 1));
        assert!(bad.validate().is_err(), "{api}");
    }
}

#[tokio::test]
async fn a_frequency_limit_fault_carries_the_limiters_headers() {
    let im = api(Method::Post, "/open-apis/im/v1/messages");
    let (limit, secs) = shortest_window(im);
    let config = Config {
        faults: vec![FaultRule::api(im.to_string(), code::FREQUENCY_LIMIT).nth(3)],
        ..Config::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let bearer = tenant_token(&mock, &client, "cli_mock", "mock_secret").await;
    let replies = [
        call(&mock, &client, im, &bearer).await,
        call(&mock, &client, im, &bearer).await,
        call(&mock, &client, im, &bearer).await,
    ];
    let r = &replies[2];
    assert_eq!(r.code(), i64::from(code::FREQUENCY_LIMIT));
    assert_eq!(r.header(header::RATELIMIT_LIMIT), Some(limit));
    assert!((1..=secs).contains(&r.header(header::RATELIMIT_RESET).unwrap()));
}

// ---- user tokens ---------------------------------------------------------------------

#[tokio::test]
async fn an_expired_user_token_is_refreshed_once_and_the_spent_refresh_token_refused() {
    let mut user = UserConfig::new("ur-alice");
    user.access_token = Some("u-alice".into());
    user.access_expired = true;
    let mut revoked = UserConfig::new("ur-bob");
    revoked.revoked = true;
    let config = Config { users: vec![user, revoked], ..Config::default() };
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let info = api(Method::Get, "/open-apis/authen/v1/user_info");

    // The client's token is already expired: 99991677, with its entry's status.
    let r = call(&mock, &client, info, "u-alice").await;
    let expired = &lark_errors::lookup(code::USER_ACCESS_TOKEN_EXPIRED)[0];
    assert_eq!(
        (Some(r.status), r.code()),
        (expired.http_status().or(Some(400)), i64::from(expired.code()))
    );
    let d = lark_errors::diagnose(Some(r.status), &r.headers, &r.raw);
    assert_eq!(d.action(), Some(lark_errors::Action::RefreshToken));

    let refresh = |rt: &str| {
        json!({token::GRANT_TYPE: token::GRANT_REFRESH_TOKEN, token::CLIENT_ID: "cli_mock",
               token::CLIENT_SECRET: "mock_secret", token::REFRESH_TOKEN: rt})
    };
    let r = send(client.post(mock.url(USER_TOKEN_PATH)).json(&refresh("ur-alice"))).await;
    assert_eq!((r.status, r.code()), (200, 0), "{}", r.body);
    let access = r.body[token::ACCESS_TOKEN].as_str().unwrap().to_owned();
    let rotated = r.body[token::REFRESH_TOKEN].as_str().unwrap().to_owned();
    assert_ne!(rotated, "ur-alice");
    assert_eq!(call(&mock, &client, info, &access).await.code(), 0);
    let stats = send(client.get(mock.url(STATS_PATH))).await;
    assert_eq!(stats.body["user_token_refreshes"], 1);

    // Each refresh token once: the spent one is 20073, a revoked one 20064, as documented.
    for (rt, code) in
        [("ur-alice", oauth::REFRESH_TOKEN_USED), ("ur-bob", oauth::REFRESH_TOKEN_REVOKED)]
    {
        let r = send(client.post(mock.url(USER_TOKEN_PATH)).json(&refresh(rt))).await;
        let documented = oauth::error(code).unwrap();
        assert_eq!((r.status, r.code()), (documented.status, i64::from(code)));
        assert_eq!(r.body[token::ERROR], documented.error);
        assert_eq!(r.body[token::ERROR_DESCRIPTION], documented.description);
    }
    // The rotated one works exactly once more.
    let r = send(client.post(mock.url(USER_TOKEN_PATH)).json(&refresh(&rotated))).await;
    assert_eq!(r.code(), 0);
    let r = send(client.post(mock.url(USER_TOKEN_PATH)).json(&refresh(&rotated))).await;
    assert_eq!(r.code(), i64::from(oauth::REFRESH_TOKEN_USED));
    assert_eq!(mock.stats().user_token_refreshes, 2);

    // An expired start needs a token to expire.
    let mut bad = Config::default();
    let mut no_token = UserConfig::new("ur-x");
    no_token.access_expired = true;
    bad.users.push(no_token);
    assert!(bad.validate().unwrap_err().to_string().contains("access_token"));
}

#[test]
fn the_documented_configurations_load() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["README.md", "src/config.rs"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let (mut blocks, mut current): (usize, Option<String>) = (0, None);
        for line in text.lines() {
            let line = line.strip_prefix("//!").map_or(line, |l| l.strip_prefix(' ').unwrap_or(l));
            match (line.trim(), &mut current) {
                ("```toml", _) => current = Some(String::new()),
                ("```", Some(block)) => {
                    let config = Config::from_toml_str(block)
                        .unwrap_or_else(|e| panic!("{file}: {e}\n{block}"));
                    // The example names an API's own code and a sub-code of it.
                    assert!(config.faults.iter().any(|f| f.api.is_some()), "{file}");
                    blocks += 1;
                    current = None;
                }
                (_, Some(block)) => {
                    block.push_str(line);
                    block.push('\n');
                }
                _ => {}
            }
        }
        assert_eq!(blocks, 1, "{file}");
    }
}
