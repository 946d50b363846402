//! The configuration's limits, served: durations at the largest value a configuration
//! accepts ([`MAX_SECS`]) in every field that takes one, and the default caps of the
//! server as the docs state them (issue #11, "mock limits are only tested with small
//! settings").

use std::collections::BTreeMap;

use lark_errors::diagnose::diagnose;
use lark_errors::platform::{header, token};
use lark_errors_mock::config::MAX_SECS;
use lark_errors_mock::{
    APP_TOKEN_PATH, Config, MockServer, STATS_PATH, ServerConfig, TENANT_TOKEN_PATH,
    USER_TOKEN_PATH,
};
use serde_json::{Value, json};

/// Every duration field a configuration has, at `secs`.
fn durations_at(secs: u64) -> String {
    format!(
        r#"
        [tokens]
        ttl_secs = {secs}
        expire_secs = {secs}

        [rate_limit]
        requests = 1
        window_secs = {secs}

        [server]
        header_read_timeout_secs = {secs}

        [[users]]
        refresh_token = "ur-max"
        access_ttl_secs = {secs}
        refresh_ttl_secs = {secs}

        [[faults]]
        api = "GET /open-apis/im/v1/chats"
        code = 99991400
        reset_secs = {secs}

        [[faults]]
        path = "/open-apis/contact/v3/*"
        code = 99991672
        "#
    )
}

/// An answer of the mock: status, headers (lower-case names) and the body as JSON.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends a request and checks the answer is well-formed platform JSON: a JSON content
/// type, a log id, an integer `code` and a string `msg` (or the OAuth endpoint's shape),
/// which the library diagnoses as that code.
async fn send(request: reqwest::RequestBuilder) -> Answer {
    let r = request.send().await.expect("the mock answers");
    let status = r.status().as_u16();
    let headers: Vec<(String, String)> = r
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let bytes = r.bytes().await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!("{status}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes))
    });
    let answer = Answer { status, headers, body };
    let content_type = answer.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "{status}: {content_type}");
    assert!(answer.header(header::LOG_ID).is_some_and(|v| !v.is_empty()), "{status}: no log id");
    let code = answer.body["code"].as_i64().unwrap_or_else(|| panic!("no code: {}", answer.body));
    // The OAuth endpoint answers in its own shape: no `msg`, an access token or an error.
    let oauth =
        answer.body[token::ACCESS_TOKEN].is_string() || answer.body[token::ERROR].is_string();
    assert!(answer.body["msg"].is_string() || oauth, "no msg: {}", answer.body);
    let d = diagnose(Some(status), &answer.headers, &bytes);
    assert_eq!(d.code, Some(code), "{}", answer.body);
    assert!(d.parse_error.is_none(), "{}", answer.body);
    answer
}

#[test]
fn every_duration_is_accepted_at_max_secs_and_refused_one_above() {
    let config = Config::from_toml_str(&durations_at(MAX_SECS)).unwrap();
    assert_eq!(config.tokens.ttl_secs, MAX_SECS);
    // Each field alone one second over the limit is refused, naming it.
    let at_max = durations_at(MAX_SECS);
    let over = (MAX_SECS + 1).to_string();
    let mut refused = 0;
    for (i, line) in at_max.lines().enumerate() {
        if !line.contains(&MAX_SECS.to_string()) {
            continue;
        }
        let mut lines: Vec<String> = at_max.lines().map(str::to_owned).collect();
        lines[i] = line.replace(&MAX_SECS.to_string(), &over);
        let field = line.split('=').next().unwrap().trim();
        match Config::from_toml_str(&lines.join("\n")) {
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains(field) && e.contains(&over), "{field}: {e}");
                assert_eq!(e.lines().count(), 1, "{e}");
                refused += 1;
            }
            Ok(_) => panic!("{field} = {over} was accepted"),
        }
    }
    assert_eq!(refused, 7, "every duration field of the configuration was tried");
}

#[tokio::test]
async fn a_mock_with_every_duration_at_max_secs_serves_well_formed_answers() {
    let config = Config::from_toml_str(&durations_at(MAX_SECS)).unwrap();
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let creds = json!({"app_id": "cli_mock", "app_secret": "mock_secret"});

    // Tokens: issued, `expire` the ten years left.
    let a = send(client.post(mock.url(TENANT_TOKEN_PATH)).json(&creds)).await;
    assert_eq!((a.status, a.body["code"].clone()), (200, json!(0)), "{}", a.body);
    let expire = a.body[token::EXPIRE].as_u64().unwrap();
    assert!((MAX_SECS - 5..=MAX_SECS).contains(&expire), "expire {expire}");
    let tenant = a.body[token::TENANT_ACCESS_TOKEN].as_str().unwrap().to_owned();
    let again = send(client.post(mock.url(TENANT_TOKEN_PATH)).json(&creds)).await;
    assert_eq!(again.body[token::TENANT_ACCESS_TOKEN], tenant.as_str(), "reused, not reissued");
    let app = send(client.post(mock.url(APP_TOKEN_PATH)).json(&creds)).await;
    assert_eq!(app.body["code"], 0, "{}", app.body);
    let refresh = json!({"grant_type": "refresh_token", "client_id": "cli_mock",
        "client_secret": "mock_secret", "refresh_token": "ur-max"});
    let user = send(client.post(mock.url(USER_TOKEN_PATH)).json(&refresh)).await;
    assert_eq!(user.body["code"], 0, "{}", user.body);
    assert_eq!(
        (
            user.body[token::EXPIRES_IN].as_u64(),
            user.body[token::REFRESH_TOKEN_EXPIRES_IN].as_u64()
        ),
        (Some(MAX_SECS), Some(MAX_SECS))
    );
    let user_token = user.body[token::ACCESS_TOKEN].as_str().unwrap().to_owned();

    // A success, then the one-request window of ten years: 429 with its reset.
    let chats = "/open-apis/im/v1/messages/om_1";
    let ok = send(client.get(mock.url(chats)).bearer_auth(&tenant)).await;
    assert_eq!((ok.status, ok.body["code"].clone()), (200, json!(0)), "{}", ok.body);
    let limited = send(client.get(mock.url(chats)).bearer_auth(&tenant)).await;
    assert_eq!((limited.status, limited.body["code"].clone()), (429, json!(99991400)));
    let reset: u64 = limited.header(header::RATELIMIT_RESET).unwrap().parse().unwrap();
    assert!((MAX_SECS - 5..=MAX_SECS).contains(&reset), "reset {reset}");
    assert_eq!(limited.header(header::RATELIMIT_LIMIT), Some("1"));
    let d = diagnose(Some(429), &limited.headers, limited.body.to_string().as_bytes());
    assert_eq!(d.retry_after_secs, Some(reset));

    // A frequency-limit fault with a reset of ten years, and a scope fault.
    let fault = send(client.get(mock.url("/open-apis/im/v1/chats")).bearer_auth(&tenant)).await;
    assert_eq!((fault.status, fault.body["code"].clone()), (429, json!(99991400)));
    assert_eq!(fault.header(header::RATELIMIT_RESET), Some(MAX_SECS.to_string().as_str()));
    let scope =
        send(client.get(mock.url("/open-apis/contact/v3/users/ou_1")).bearer_auth(&user_token))
            .await;
    assert_eq!(scope.body["code"], 99991672, "{}", scope.body);
    // No token, a path no API has: the platform's errors still.
    let no_token = send(client.get(mock.url("/open-apis/im/v1/chats/oc_1"))).await;
    assert_eq!(no_token.body["code"], 99991661, "{}", no_token.body);
    let unknown = send(client.get(mock.url("/open-apis/no/such/api")).bearer_auth(&tenant)).await;
    assert_eq!((unknown.status, unknown.body["code"].clone()), (404, json!(99991201)));

    // The stats, as JSON and as the library's type, count all of it.
    let r = client.get(mock.url(STATS_PATH)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let stats: Value = r.json().await.unwrap();
    let codes: BTreeMap<String, u64> = serde_json::from_value(stats["codes"].clone()).unwrap();
    assert_eq!(codes.get("99991400"), Some(&2), "{stats}");
    assert_eq!(stats["token_fetches"], 3, "{stats}");
    assert_eq!(stats["user_token_refreshes"], 1, "{stats}");
    // The ten requests sent above (tokens 4, business 6); the stats are not counted.
    assert_eq!(mock.stats().total(), 10);
}

/// The `[server]` block of a documented configuration: `key = number` for each key,
/// commented out or not.
fn server_block(doc: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut in_server = false;
    for line in doc.lines() {
        let line = line.trim_start_matches("//!").trim().trim_start_matches('#').trim();
        if line.starts_with('[') {
            in_server = line == "[server]";
            continue;
        }
        if !in_server {
            continue;
        }
        let Some((key, rest)) = line.split_once('=') else { continue };
        let value = rest.split('#').next().unwrap().trim();
        if let Ok(n) = value.parse() {
            out.insert(key.trim().to_owned(), n);
        }
    }
    out
}

#[test]
fn the_default_server_caps_are_the_documented_ones() {
    let defaults = serde_json::to_value(ServerConfig::default()).unwrap();
    let defaults: BTreeMap<String, u64> = serde_json::from_value(defaults).unwrap();
    assert_eq!(
        defaults,
        serde_json::from_value(serde_json::to_value(Config::default().server).unwrap()).unwrap()
    );
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["README.md", "src/config.rs"] {
        let text = std::fs::read_to_string(manifest.join(file)).unwrap();
        assert_eq!(server_block(&text), defaults, "the [server] block of {file}");
    }
    // The README's prose on the header timeout says the same number.
    let readme = std::fs::read_to_string(manifest.join("README.md")).unwrap();
    let said = format!(
        "`server.header_read_timeout_secs` (default {})",
        ServerConfig::default().header_read_timeout_secs
    );
    assert!(readme.replace('\n', " ").contains(&said), "README does not say {said}");
}

#[tokio::test]
async fn the_default_path_cap_is_served() {
    let mut config = Config::default();
    config.tokens.require = false;
    let cap = config.server.max_paths;
    assert_eq!(cap, ServerConfig::default().max_paths);
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    for i in 0..cap + 3 {
        let a = send(client.get(mock.url(&format!("/open-apis/p/{i}")))).await;
        assert_eq!(a.status, 404);
    }
    let stats = mock.stats();
    assert_eq!((stats.requests.len(), stats.other_paths, stats.paths_capped), (cap, 3, true));
    let r: Value = client.get(mock.url(STATS_PATH)).send().await.unwrap().json().await.unwrap();
    assert_eq!((r["other_paths"].clone(), r["paths_capped"].clone()), (json!(3), json!(true)));
}

#[tokio::test]
async fn a_configuration_of_the_largest_size_accepted_loads_and_is_served() {
    use lark_errors_mock::config::MAX_CONFIG_BYTES;
    // Fault rules for a path each, padded with a comment to exactly the limit.
    let mut toml = String::from("[tokens]\nrequire = false\n");
    let mut rules = 0;
    loop {
        let rule =
            format!("[[faults]]\npath = \"/open-apis/im/v1/chats/oc_{rules}\"\ncode = 99991672\n");
        if (toml.len() + rule.len() + 64) as u64 > MAX_CONFIG_BYTES {
            break;
        }
        toml.push_str(&rule);
        rules += 1;
    }
    let pad = MAX_CONFIG_BYTES as usize - toml.len() - 2;
    toml.push('#');
    toml.push_str(&"x".repeat(pad));
    toml.push('\n');
    assert_eq!(toml.len() as u64, MAX_CONFIG_BYTES);
    let dir = tempdir();
    let at_limit = dir.join("at-limit.toml");
    std::fs::write(&at_limit, &toml).unwrap();
    let config = Config::from_file(&at_limit).unwrap();
    assert_eq!(config.faults.len(), rules);
    let over = dir.join("over.toml");
    std::fs::write(&over, format!("{toml}\n")).unwrap();
    let e = Config::from_file(&over).unwrap_err().to_string();
    assert!(e.contains("larger than") && e.lines().count() == 1, "{e}");

    // The last rule fires for its path; a path no rule names succeeds.
    let mock = MockServer::start(config).await.unwrap();
    let client = reqwest::Client::new();
    let last = format!("/open-apis/im/v1/chats/oc_{}", rules - 1);
    let a = send(client.get(mock.url(&last))).await;
    assert_eq!(a.body["code"], 99991672, "{}", a.body);
    let b = send(client.get(mock.url("/open-apis/im/v1/chats/oc_none"))).await;
    assert_eq!((b.status, b.body["code"].clone()), (200, json!(0)), "{}", b.body);
    std::fs::remove_dir_all(&dir).ok();
}

/// A fresh directory under the system's temporary directory.
fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lark-errors-mock-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
