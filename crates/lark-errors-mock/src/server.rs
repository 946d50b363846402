//! The request handler: token endpoints, business endpoints, rate limit, faults.
//!
//! Everything a request decides happens under one lock, in the order the platform's
//! gateway applies it: authentication, then the rate limit, then fault rules (the
//! backend's errors), then success. Token endpoints check fault rules first, so a rule
//! can make token fetching fail too.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use lark_errors::{Action, Entry};
use serde_json::{Value, json};

use crate::config::{Config, FaultRule};
use crate::stats::{RequestRecord, Stats};

/// Path of the tenant token endpoint.
pub const TENANT_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";
/// Path of the app token endpoint.
pub const APP_TOKEN_PATH: &str = "/open-apis/auth/v3/app_access_token/internal";
/// Path of the statistics endpoint.
pub const STATS_PATH: &str = "/_mock/stats";

/// How many request records are kept (the oldest are dropped first).
const LOG_CAPACITY: usize = 10_000;
/// Token count above which expired tokens are pruned when a new one is issued.
const PRUNE_ABOVE: usize = 10_000;

/// Codes the mock chooses itself (documented codes; bodies come from the catalog).
mod codes {
    /// Missing or malformed token endpoint request.
    pub const INVALID_PARAMETER: u32 = 10003;
    /// A disabled app asked for a token.
    pub const APP_UNAUTHORIZED: u32 = 10014;
    /// Wrong app secret.
    pub const WRONG_APP_SECRET: u32 = 10015;
    /// Rate limited.
    pub const FREQUENCY_LIMIT: u32 = 99991400;
    /// No `Authorization` header.
    pub const NEED_A_TOKEN: u32 = 99991661;
    /// A token never issued, or expired.
    pub const INVALID_ACCESS_TOKEN: u32 = 99991663;
}

/// What the server shares between requests.
pub(crate) struct Shared {
    pub(crate) config: Config,
    started: Instant,
    state: Mutex<MockState>,
}

struct Issued {
    app_id: String,
    expires_at: Instant,
}

struct Window {
    start: Instant,
    count: u64,
}

struct MockState {
    rng: SplitMix64,
    tokens: HashMap<String, Issued>,
    windows: HashMap<(String, String), Window>,
    /// Per fault rule: matching requests seen, and times fired.
    rule_seen: Vec<u64>,
    rule_fired: Vec<u64>,
    stats: Stats,
    seq: u64,
    log: VecDeque<RequestRecord>,
}

/// A response chosen for a request.
struct Reply {
    status: u16,
    code: i64,
    body: String,
    reset_secs: Option<u64>,
    limit: Option<u64>,
    log_id: String,
}

impl Reply {
    fn success(body: String, log_id: String) -> Reply {
        Reply { status: 200, code: 0, body, reset_secs: None, limit: None, log_id }
    }
}

impl Shared {
    pub(crate) fn new(config: Config) -> Shared {
        let rules = config.faults.len();
        let rng = SplitMix64::new(config.seed);
        Shared {
            config,
            started: Instant::now(),
            state: Mutex::new(MockState {
                rng,
                tokens: HashMap::new(),
                windows: HashMap::new(),
                rule_seen: vec![0; rules],
                rule_fired: vec![0; rules],
                stats: Stats::default(),
                seq: 0,
                log: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, MockState> {
        // A panic while holding the lock cannot leave the counters inconsistent in a way
        // that matters to a mock; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn stats(&self) -> Stats {
        self.lock().stats.clone()
    }

    fn new_log_id(&self) -> String {
        log_id(&mut self.lock())
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        self.lock().log.iter().cloned().collect()
    }

    /// Decides the reply to one request.
    fn answer(&self, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Reply {
        let now = Instant::now();
        let mut st = self.lock();
        // No key allocation for paths already counted: this runs for every request.
        match st.stats.requests.get_mut(path) {
            Some(n) => *n += 1,
            None => {
                st.stats.requests.insert(path.to_owned(), 1);
            }
        }
        let reply =
            if method == Method::POST && (path == TENANT_TOKEN_PATH || path == APP_TOKEN_PATH) {
                match self.fault(&mut st, method, path) {
                    Some(reply) => reply,
                    None => self.issue_token(&mut st, path == APP_TOKEN_PATH, body, now),
                }
            } else {
                self.business(&mut st, method, path, headers, now)
            };
        *st.stats.codes.entry(reply.code).or_default() += 1;
        if st.log.len() == LOG_CAPACITY {
            st.log.pop_front();
        }
        st.seq += 1;
        let seq = st.seq;
        st.log.push_back(RequestRecord {
            seq,
            at: now.duration_since(self.started),
            method: method.to_string(),
            path: path.to_owned(),
            status: reply.status,
            code: reply.code,
            reset_secs: reply.reset_secs,
        });
        reply
    }

    fn issue_token(&self, st: &mut MockState, app: bool, body: &[u8], now: Instant) -> Reply {
        // The platform answers credential errors with HTTP 200 and a nonzero code.
        let creds: Option<(String, String)> =
            serde_json::from_slice::<Value>(body).ok().and_then(|v| {
                Some((
                    v.get("app_id")?.as_str()?.to_owned(),
                    v.get("app_secret")?.as_str()?.to_owned(),
                ))
            });
        let refuse = |st: &mut MockState, code| catalog_reply(code, 200, log_id(st));
        let Some((app_id, secret)) = creds else {
            return refuse(st, codes::INVALID_PARAMETER);
        };
        let Some(cfg) = self.config.apps.iter().find(|a| a.app_id == app_id) else {
            return refuse(st, codes::INVALID_PARAMETER);
        };
        if cfg.disabled {
            return refuse(st, codes::APP_UNAUTHORIZED);
        }
        if cfg.app_secret != secret {
            return refuse(st, codes::WRONG_APP_SECRET);
        }
        let ttl = Duration::from_secs(self.config.tokens.ttl_secs);
        let expire = self.config.tokens.expire_secs.unwrap_or(self.config.tokens.ttl_secs);
        if st.tokens.len() > PRUNE_ABOVE {
            st.tokens.retain(|_, t| t.expires_at > now);
        }
        let tenant = new_token(st, "t-");
        st.tokens.insert(tenant.clone(), Issued { app_id: app_id.clone(), expires_at: now + ttl });
        st.stats.token_fetches += 1;
        let body = if app {
            let app_token = new_token(st, "a-");
            st.tokens.insert(app_token.clone(), Issued { app_id, expires_at: now + ttl });
            ordered(&[
                ("code", json!(0)),
                ("msg", json!("ok")),
                ("app_access_token", json!(app_token)),
                ("tenant_access_token", json!(tenant)),
                ("expire", json!(expire)),
            ])
        } else {
            ordered(&[
                ("code", json!(0)),
                ("msg", json!("ok")),
                ("tenant_access_token", json!(tenant)),
                ("expire", json!(expire)),
            ])
        };
        Reply::success(body, log_id(st))
    }

    fn business(
        &self,
        st: &mut MockState,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        now: Instant,
    ) -> Reply {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, token)| {
                scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()
            })
            .map(|(_, token)| token.trim());
        let app_id = match (bearer, self.config.tokens.require) {
            (None, true) => return auth_reply(codes::NEED_A_TOKEN, log_id(st)),
            (None, false) => "-".to_owned(),
            (Some(token), require) => match st.tokens.get(token) {
                Some(t) if t.expires_at > now => t.app_id.clone(),
                _ if require => {
                    return auth_reply(codes::INVALID_ACCESS_TOKEN, log_id(st));
                }
                _ => "-".to_owned(),
            },
        };
        if let Some(limit) = &self.config.rate_limit {
            let window = Duration::from_secs(limit.window_secs);
            let w = st
                .windows
                .entry((app_id.clone(), path.to_owned()))
                .or_insert(Window { start: now, count: 0 });
            if now.duration_since(w.start) >= window {
                *w = Window { start: now, count: 0 };
            }
            w.count += 1;
            if w.count > limit.requests {
                let left = (w.start + window).saturating_duration_since(now);
                // Whole seconds, rounded up: waiting that long is enough.
                let reset = left.as_millis().div_ceil(1000).max(1) as u64;
                let status = entry_of(codes::FREQUENCY_LIMIT).http_status().unwrap_or(429);
                let mut reply = catalog_reply(codes::FREQUENCY_LIMIT, status, log_id(st));
                reply.reset_secs = Some(reset);
                reply.limit = Some(limit.requests);
                return reply;
            }
        }
        if let Some(reply) = self.fault(st, method, path) {
            return reply;
        }
        // Formatted directly: this is the hot path of a throughput run.
        let body = format!(
            r#"{{"code":0,"msg":"success","data":{{"method":{},"path":{},"app_id":{}}}}}"#,
            Value::from(method.as_str()),
            Value::from(path),
            Value::from(app_id)
        );
        Reply::success(body, log_id(st))
    }

    /// The reply of the first fault rule that fires for this request, if any.
    fn fault(&self, st: &mut MockState, method: &Method, path: &str) -> Option<Reply> {
        for (i, rule) in self.config.faults.iter().enumerate() {
            if !rule.matches(method.as_str(), path) {
                continue;
            }
            st.rule_seen[i] += 1;
            if rule.times.is_some_and(|times| st.rule_fired[i] >= times) {
                continue;
            }
            let fires = match (rule.nth, rule.probability) {
                (Some(n), _) => st.rule_seen[i] == n,
                (None, Some(p)) => st.rng.fraction() < p,
                (None, None) => true,
            };
            if fires {
                st.rule_fired[i] += 1;
                return Some(rule_reply(rule, log_id(st)));
            }
        }
        None
    }
}

fn entry_of(code: u32) -> &'static Entry {
    // The mock's own codes are documented; a test checks it.
    &lark_errors::lookup(code)[0]
}

/// The reply of a fault rule (validated: its entry exists).
fn rule_reply(rule: &FaultRule, log_id: String) -> Reply {
    let Some(entry) = rule.entry() else {
        return catalog_reply(rule.code, rule.status.unwrap_or(400), log_id);
    };
    let status = rule.status.or(entry.http_status()).unwrap_or(400);
    let mut scopes = rule.scopes.clone();
    if scopes.is_empty() && entry.action() == Action::RequestScope {
        scopes.push("mock:scope".to_owned());
    }
    entry_reply(entry, status, &rule.values, &scopes, log_id)
}

/// One of the mock's own errors, with its status as the platform sends it.
fn catalog_reply(code: u32, status: u16, log_id: String) -> Reply {
    entry_reply(entry_of(code), status, &[], &[], log_id)
}

/// An authentication error of a business endpoint: the entry's status, else 400.
fn auth_reply(code: u32, log_id: String) -> Reply {
    catalog_reply(code, entry_of(code).http_status().unwrap_or(400), log_id)
}

/// The platform's error body for `entry`: the catalog's message with its placeholders
/// filled, and the `error` object with log id, troubleshooter and missing scopes.
fn entry_reply(
    entry: &Entry,
    status: u16,
    values: &[String],
    scopes: &[String],
    log_id: String,
) -> Reply {
    let placeholders = entry.placeholders().len();
    let filled: Vec<&str> =
        (0..placeholders).map(|i| values.get(i).map_or("mock", String::as_str)).collect();
    let mut msg = entry.render_message(&filled);
    if !scopes.is_empty() {
        // As the platform does: the missing scopes listed after the message.
        msg.push_str(": [");
        msg.push_str(&scopes.join(", "));
        msg.push(']');
    }
    let mut error = json!({
        "log_id": log_id,
        "troubleshooter": format!(
            "排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id={log_id}&code={}",
            entry.code()
        ),
    });
    if !scopes.is_empty() {
        error["permission_violations"] = scopes
            .iter()
            .map(|s| {
                json!({"type": "action_scope_required", "subject": s,
                       "description": format!("the app needs the scope {s}")})
            })
            .collect();
    }
    let body = ordered(&[("code", json!(entry.code())), ("msg", json!(msg)), ("error", error)]);
    Reply { status, code: i64::from(entry.code()), body, reset_secs: None, limit: None, log_id }
}

/// A JSON object with its keys in the given order: the platform's `code`, `msg`, then
/// the rest (serde_json's map would sort them).
fn ordered(fields: &[(&str, Value)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::from(*key).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
    out.push('}');
    out
}

fn new_token(st: &mut MockState, prefix: &str) -> String {
    let (a, b) = (st.rng.next_u64(), st.rng.next_u64());
    format!("{prefix}{a:016x}{b:016x}")
}

/// A log id shaped like the platform's: `YYYYMMDDhhmmss` and 18 hex digits.
fn log_id(st: &mut MockState) -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let date = lark_errors::date::Date::from_unix_millis(days * 86_400_000);
    let random = st.rng.next_u64();
    // Written digit by digit: `format!` with six padded fields costs more than the rest
    // of a success reply.
    let mut out = String::with_capacity(32);
    let mut decimal = |value: u64, width: u32| {
        for i in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10u64.pow(i) % 10) as u8));
        }
    };
    decimal(u64::from(date.year), 4);
    decimal(u64::from(date.month), 2);
    decimal(u64::from(date.day), 2);
    decimal(rem / 3600, 2);
    decimal(rem / 60 % 60, 2);
    decimal(rem % 60, 2);
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for shift in (0..18).rev() {
        // 18 hex digits: the top byte twice over, then all 16.
        let nibble =
            if shift >= 16 { random >> (56 + 4 * (shift - 16)) } else { random >> (4 * shift) };
        out.push(char::from(HEX[(nibble & 0xF) as usize]));
    }
    out
}

/// The one handler behind every path.
pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    if path == STATS_PATH && method == Method::GET {
        let body = serde_json::to_string(&shared.stats()).unwrap_or_default();
        return json_response(200, body, Some(&shared.new_log_id()));
    }
    if !path.starts_with("/open-apis/") {
        // What the platform's gateway answers for a path it does not route.
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header("x-tt-logid", shared.new_log_id())
            .body(Body::from("404 page not found"))
            .unwrap_or_default();
    }
    let reply = shared.answer(&method, path, &headers, &body);
    tracing::info!(
        target: "lark_errors_mock",
        method = %method,
        path,
        status = reply.status,
        code = reply.code,
        reset_secs = reply.reset_secs,
        "request"
    );
    let mut response = json_response(reply.status, reply.body, Some(&reply.log_id));
    let h = response.headers_mut();
    if let Some(limit) = reply.limit {
        h.insert("x-ogw-ratelimit-limit", HeaderValue::from(limit));
    }
    if let Some(reset) = reply.reset_secs {
        h.insert("x-ogw-ratelimit-reset", HeaderValue::from(reset));
    }
    response
}

fn json_response(status: u16, body: String, log_id: Option<&str>) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST))
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8");
    if let Some(id) = log_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        builder = builder.header("x-tt-logid", id);
    }
    builder.body(Body::from(body)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_the_platforms_key_order() {
        let reply = catalog_reply(codes::NEED_A_TOKEN, 400, "L1".to_owned());
        assert!(
            reply
                .body
                .starts_with(r#"{"code":99991661,"msg":"Need a token","error":{"log_id":"L1""#),
            "{}",
            reply.body
        );
        let v: Value = serde_json::from_str(&reply.body).unwrap();
        assert!(v["error"]["troubleshooter"].as_str().unwrap().contains("log_id=L1&code=99991661"));
    }

    #[test]
    fn own_codes_are_documented() {
        for code in [
            codes::INVALID_PARAMETER,
            codes::APP_UNAUTHORIZED,
            codes::WRONG_APP_SECRET,
            codes::FREQUENCY_LIMIT,
            codes::NEED_A_TOKEN,
            codes::INVALID_ACCESS_TOKEN,
        ] {
            assert!(lark_errors::is_documented(code), "{code}");
        }
    }

    #[test]
    fn log_ids_look_like_the_platforms() {
        let shared = Shared::new(Config::default());
        let id = shared.new_log_id();
        assert_eq!(id.len(), 32, "{id}");
        assert!(id[..14].bytes().all(|b| b.is_ascii_digit()), "{id}");
        assert!(id.starts_with("20"), "{id}");
        assert!(id[14..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()), "{id}");
        assert_ne!(id, shared.new_log_id());
    }
}

/// The mock's own seeded generator (SplitMix64) for tokens, log ids and fault odds:
/// reproducible from `config.seed`. (The library keeps its jitter generator private.)
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    const fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A fraction in `[0, 1)`.
    fn fraction(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
