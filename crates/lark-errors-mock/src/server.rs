//! The request handler: token endpoints, business endpoints, rate limit, faults.
//!
//! Everything a request decides happens under one lock, in the order the platform's
//! gateway applies it: authentication, then the rate limit, then fault rules (the
//! backend's errors), then success. Token endpoints check fault rules first, so a rule
//! can make token fetching fail too.
//!
//! Every platform fact (paths, header names, JSON fields, codes) comes from
//! [`lark_errors::platform`]; this file spells none of them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use lark_errors::catalog::{Api, RateLimit};
use lark_errors::platform::{code, header as lark_header, host, oauth, token};
use lark_errors::{Action, Entry};
use serde_json::{Value, json};

use crate::config::{Config, FaultRule, RateLimits, UserConfig, parse_api};
use crate::log::RequestLog;
use crate::rng::SplitMix64;
use crate::stats::{RequestRecord, Stats};

/// Path of the tenant token endpoint.
pub const TENANT_TOKEN_PATH: &str = token::TENANT_ACCESS_TOKEN_PATH;
/// Path of the app token endpoint.
pub const APP_TOKEN_PATH: &str = token::APP_ACCESS_TOKEN_PATH;
/// Path of the OAuth token endpoint (user_access_token refresh).
pub const USER_TOKEN_PATH: &str = token::USER_ACCESS_TOKEN_PATH;
/// Path of the statistics endpoint.
pub const STATS_PATH: &str = "/_mock/stats";
/// Path of the route list: every documented API the mock serves, with the rate-limit
/// windows in force for it.
pub const APIS_PATH: &str = "/_mock/apis";

/// How many request records are kept (the oldest are dropped first).
const LOG_CAPACITY: usize = 10_000;
/// Token count above which expired tenant and app tokens are pruned.
const PRUNE_ABOVE: usize = 10_000;
/// Live (app, API) rate limiters above which lapsed ones are pruned (at most once a
/// second); beyond it, new pairs are not limited until old windows lapse.
const MAX_WINDOWS: usize = 10_000;
/// The most windows a tier has: per second, minute, hour and day.
const MAX_TIER_WINDOWS: usize = 4;
/// Spent refresh tokens and user access tokens remembered per user (older ones are
/// forgotten: a forgotten refresh token answers 20026, a forgotten access token
/// 99991663).
const PER_USER_MEMORY: usize = 64;
/// The `x-ogw-ratelimit-limit` of a 99991400 fault when neither the rule nor the rate
/// limit says.
const DEFAULT_FAULT_LIMIT: u64 = 50;
/// Bytes of an over-limit body read and discarded before answering, so that the client
/// gets to read the answer; a longer body is cut off with the connection.
const DRAIN_ABOVE_LIMIT: u64 = 64 << 20;

/// What the server shares between requests.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) log: Option<RequestLog>,
    started: Instant,
    /// Per API (index into `lark_errors::apis()`): its rate-limit tier in force.
    tiers: Vec<Tier>,
    /// Per fault rule: the API it names, if any.
    rule_apis: Vec<Option<&'static Api>>,
    /// The success body of a documented API.
    success: String,
    /// The body of `GET /_mock/apis`.
    routes: String,
    state: Mutex<MockState>,
}

/// The windows of a rate-limit tier, `(seconds, requests)`, shortest first; empty: not
/// limited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Tier {
    windows: Vec<(u64, u64)>,
}

impl Tier {
    /// The windows of a tier, as the library gives them; none for "special" tiers and
    /// APIs without one.
    fn of(limit: Option<RateLimit>) -> Tier {
        let windows = limit
            .iter()
            .flat_map(RateLimit::windows)
            .map(|w| (w.period().as_secs(), u64::from(w.limit())))
            .collect();
        Tier { windows }
    }

    /// The tier in force for every API: `api_limits` (the first naming it), else
    /// `rate_limit` for every API, else the documented tier unless `rate_limits = "off"`.
    fn all(config: &Config) -> Vec<Tier> {
        let apis = lark_errors::apis();
        let mut tiers: Vec<Option<Tier>> = vec![None; apis.len()];
        for limit in &config.api_limits {
            for api in limit.apis() {
                if let Some(slot) = api_index(api).and_then(|i| tiers.get_mut(i)) {
                    slot.get_or_insert_with(|| Tier::of(limit.tier()));
                }
            }
        }
        apis.iter()
            .zip(tiers)
            .map(|(api, tier)| {
                tier.unwrap_or_else(|| match (&config.rate_limit, config.rate_limits) {
                    (Some(rl), _) => Tier { windows: vec![(rl.window_secs, rl.requests)] },
                    (None, RateLimits::Off) => Tier::default(),
                    (None, _) => Tier::of(api.rate_limit()),
                })
            })
            .collect()
    }
}

/// The position of `api` in `lark_errors::apis()` (the catalog's APIs are one static
/// array, so its address says it: no search).
fn api_index(api: &Api) -> Option<usize> {
    let all = lark_errors::apis();
    let offset = (api as *const Api as usize).checked_sub(all.as_ptr() as usize)?;
    let index = offset / std::mem::size_of::<Api>().max(1);
    (index < all.len()).then_some(index)
}

/// An app's windows for one API: when each started and the requests admitted in it.
struct Limiter {
    starts: [Instant; MAX_TIER_WINDOWS],
    counts: [u64; MAX_TIER_WINDOWS],
    /// When the last of its windows ends: after that it holds nothing and may be pruned.
    lapses_at: Instant,
}

/// A request the limiter refused: the window that tripped.
struct Tripped {
    limit: u64,
    reset_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tenant,
    App,
    User,
}

struct Issued {
    /// The app's index in `config.apps`.
    app: u32,
    kind: Kind,
    expires_at: Instant,
}

/// The token an app is handed again until less than `REISSUE_BELOW_SECS` of it remain.
struct Current {
    token: String,
    expires_at: Instant,
    /// When the `expire` told to the client runs out (`tokens.expire_secs`).
    reported_until: Instant,
}

#[derive(Default)]
struct AppTokens {
    tenant: Option<Current>,
    app: Option<Current>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refresh {
    Live(Instant),
    Expired,
    Used,
    Revoked,
}

struct RefreshEntry {
    user: usize,
    state: Refresh,
}

#[derive(Default)]
struct UserTokens {
    spent: VecDeque<String>,
    access: VecDeque<String>,
}

struct MockState {
    rng: SplitMix64,
    tokens: HashMap<String, Issued>,
    current: HashMap<String, AppTokens>,
    refresh: HashMap<String, RefreshEntry>,
    users: Vec<UserTokens>,
    /// Per (app index, API index).
    limiters: HashMap<(u32, u32), Limiter>,
    last_prune: Instant,
    /// Requests per API (index into `lark_errors::apis()`).
    api_requests: Vec<u64>,
    /// Per fault rule: matching requests seen, and times fired.
    rule_seen: Vec<u64>,
    rule_fired: Vec<u64>,
    stats: Stats,
    seq: u64,
    log: VecDeque<RequestRecord>,
    /// The second of the last log id and its `YYYYMMDDhhmmss`.
    log_id_second: (u64, String),
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

/// The request body, or the fact that it was over the limit.
pub(crate) enum ReadBody {
    Read(Bytes),
    TooLarge,
}

impl Shared {
    pub(crate) fn new(config: Config, log: Option<RequestLog>) -> Shared {
        let now = Instant::now();
        let rules = config.faults.len();
        let rng = SplitMix64::new(config.seed);
        let refresh = config
            .users
            .iter()
            .enumerate()
            .map(|(user, u)| {
                let state = if u.revoked {
                    Refresh::Revoked
                } else if u.expired {
                    Refresh::Expired
                } else {
                    Refresh::Live(later(now, u.refresh_ttl_secs))
                };
                (u.refresh_token.clone(), RefreshEntry { user, state })
            })
            .collect();
        let mut tokens = HashMap::new();
        let mut users = Vec::with_capacity(config.users.len());
        for u in &config.users {
            let mut memory = UserTokens::default();
            if let Some(access) = &u.access_token {
                let expires_at = if u.access_expired { now } else { later(now, u.access_ttl_secs) };
                let app = app_position(&config, &u.app_id);
                tokens.insert(access.clone(), Issued { app, kind: Kind::User, expires_at });
                memory.access.push_back(access.clone());
            }
            users.push(memory);
        }
        let tiers = Tier::all(&config);
        let rule_apis = config
            .faults
            .iter()
            .map(|r| r.api.as_deref().and_then(|a| parse_api(a).ok().flatten()))
            .collect();
        let success = format!(r#"{{"code":{},"msg":"success","data":{{}}}}"#, code::OK);
        let routes: Vec<Value> = lark_errors::apis()
            .iter()
            .zip(&tiers)
            .map(|(api, tier)| {
                let windows: Vec<Value> = tier
                    .windows
                    .iter()
                    .map(|&(secs, limit)| json!({"limit": limit, "period_secs": secs}))
                    .collect();
                json!({"api": api.to_string(), "windows": windows})
            })
            .collect();
        let routes = Value::from(routes).to_string();
        Shared {
            config,
            log,
            started: now,
            tiers,
            rule_apis,
            success,
            routes,
            state: Mutex::new(MockState {
                rng,
                tokens,
                current: HashMap::new(),
                refresh,
                users,
                limiters: HashMap::new(),
                last_prune: now,
                api_requests: vec![0; lark_errors::apis().len()],
                rule_seen: vec![0; rules],
                rule_fired: vec![0; rules],
                stats: Stats::default(),
                seq: 0,
                log: VecDeque::new(),
                log_id_second: (0, String::new()),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, MockState> {
        // A panic while holding the lock cannot leave the counters inconsistent in a way
        // that matters to a mock; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn stats(&self) -> Stats {
        let st = self.lock();
        let mut stats = st.stats.clone();
        stats.apis = lark_errors::apis()
            .iter()
            .zip(&st.api_requests)
            .filter(|&(_, &n)| n > 0)
            .map(|(api, &n)| (api.to_string(), n))
            .collect();
        drop(st);
        stats.log_lines_dropped = self.log.as_ref().map_or(0, RequestLog::dropped);
        stats
    }

    fn new_log_id(&self) -> String {
        log_id(&mut self.lock())
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        self.lock().log.iter().cloned().collect()
    }

    /// Decides the reply to one request.
    fn answer(&self, method: &Method, path: &str, headers: &HeaderMap, body: &ReadBody) -> Reply {
        // The catalog's routing trie (a few hundred nanoseconds), outside the lock.
        let api = lark_method(method).and_then(|m| lark_errors::route(m, path));
        let now = Instant::now();
        let mut st = self.lock();
        let max_paths = self.config.server.max_paths;
        // No key allocation for paths already counted: this runs for every request.
        let stats = &mut st.stats;
        let counted = stats.requests.len();
        match stats.requests.get_mut(path) {
            Some(n) => *n += 1,
            None if counted < max_paths => {
                stats.requests.insert(path.to_owned(), 1);
            }
            None => {
                stats.other_paths += 1;
                stats.paths_capped = true;
            }
        }
        if let Some(n) = api.and_then(api_index).and_then(|i| st.api_requests.get_mut(i)) {
            *n += 1;
        }
        let reply = match body {
            ReadBody::TooLarge => catalog_reply(code::TOO_LARGE_REQUEST, 413, log_id(&mut st)),
            ReadBody::Read(body) if method == Method::POST && path == USER_TOKEN_PATH => {
                match self.fault(&mut st, method, path, api, None, now) {
                    Some(reply) => reply,
                    None => self.refresh_user_token(&mut st, body, now),
                }
            }
            ReadBody::Read(body)
                if method == Method::POST
                    && (path == TENANT_TOKEN_PATH || path == APP_TOKEN_PATH) =>
            {
                match self.fault(&mut st, method, path, api, None, now) {
                    Some(reply) => reply,
                    None => self.issue_token(&mut st, path == APP_TOKEN_PATH, body, now),
                }
            }
            ReadBody::Read(_) => match api {
                Some(api) => self.business(&mut st, method, path, api, headers, now),
                // No API has this path: the gateway's 404, before any token check.
                None => catalog_reply(
                    code::RESOURCE_NOT_FOUND,
                    entry_of(code::RESOURCE_NOT_FOUND).http_status().unwrap_or(404),
                    log_id(&mut st),
                ),
            },
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
            method: method.as_str().to_owned(),
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
                    v.get(token::APP_ID)?.as_str()?.to_owned(),
                    v.get(token::APP_SECRET)?.as_str()?.to_owned(),
                ))
            });
        let refuse = |st: &mut MockState, code| catalog_reply(code, 200, log_id(st));
        let Some((app_id, secret)) = creds else {
            return refuse(st, code::INVALID_PARAMETER);
        };
        let Some(cfg) = self.config.apps.iter().find(|a| a.app_id == app_id) else {
            return refuse(st, code::INVALID_PARAMETER);
        };
        if cfg.disabled {
            return refuse(st, code::APP_UNAUTHORIZED);
        }
        if cfg.app_secret != secret {
            return refuse(st, code::WRONG_APP_SECRET);
        }
        if st.tokens.len() > PRUNE_ABOVE {
            st.tokens.retain(|_, t| t.kind == Kind::User || t.expires_at > now);
        }
        let (tenant, expire) = self.current_token(st, &app_id, Kind::Tenant, now);
        st.stats.token_fetches += 1;
        let body = if app {
            let (app_token, expire) = self.current_token(st, &app_id, Kind::App, now);
            ordered(&[
                ("code", json!(code::OK)),
                ("msg", json!("ok")),
                (token::APP_ACCESS_TOKEN, json!(app_token)),
                (token::TENANT_ACCESS_TOKEN, json!(tenant)),
                (token::EXPIRE, json!(expire)),
            ])
        } else {
            ordered(&[
                ("code", json!(code::OK)),
                ("msg", json!("ok")),
                (token::TENANT_ACCESS_TOKEN, json!(tenant)),
                (token::EXPIRE, json!(expire)),
            ])
        };
        Reply::success(body, log_id(st))
    }

    /// The app's current token of `kind` and the seconds its `expire` has left: the same
    /// token while at least `REISSUE_BELOW_SECS` of its life remain, else a new one.
    fn current_token(
        &self,
        st: &mut MockState,
        app_id: &str,
        kind: Kind,
        now: Instant,
    ) -> (String, u64) {
        let reissue_below = Duration::from_secs(token::REISSUE_BELOW_SECS);
        fn slot(tokens: &mut AppTokens, kind: Kind) -> &mut Option<Current> {
            if kind == Kind::App { &mut tokens.app } else { &mut tokens.tenant }
        }
        if let Some(current) = st.current.get_mut(app_id).and_then(|t| slot(t, kind).as_ref()) {
            if current.expires_at.saturating_duration_since(now) >= reissue_below {
                let left = current.reported_until.saturating_duration_since(now).as_secs();
                return (current.token.clone(), left);
            }
        }
        let ttl = self.config.tokens.ttl_secs;
        let expire = self.config.tokens.expire_secs.unwrap_or(ttl);
        let token = new_token(st, if kind == Kind::App { "a-" } else { "t-" });
        let expires_at = later(now, ttl);
        let app = self.app_index(app_id);
        st.tokens.insert(token.clone(), Issued { app, kind, expires_at });
        let current =
            Current { token: token.clone(), expires_at, reported_until: later(now, expire) };
        *slot(st.current.entry(app_id.to_owned()).or_default(), kind) = Some(current);
        (token, expire)
    }

    /// `POST /open-apis/authen/v2/oauth/token` with `grant_type=refresh_token`: the
    /// OAuth shape (`code`, `error`, `error_description`) and statuses of its page.
    fn refresh_user_token(&self, st: &mut MockState, body: &[u8], now: Instant) -> Reply {
        let refuse = |st: &mut MockState, code| oauth_reply(code, log_id(st));
        let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(body) else {
            return refuse(st, oauth::MALFORMED_REQUEST);
        };
        let field = |name| request.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
        let (Some(grant), Some(client_id), Some(secret), Some(refresh_token)) = (
            field(token::GRANT_TYPE),
            field(token::CLIENT_ID),
            field(token::CLIENT_SECRET),
            field(token::REFRESH_TOKEN),
        ) else {
            return refuse(st, oauth::MISSING_PARAMETER);
        };
        if grant != token::GRANT_REFRESH_TOKEN {
            return refuse(st, oauth::UNSUPPORTED_GRANT_TYPE);
        }
        let Some(app) = self.config.apps.iter().find(|a| a.app_id == client_id) else {
            return refuse(st, oauth::APP_NOT_FOUND);
        };
        if app.app_secret != secret {
            return refuse(st, oauth::INVALID_CLIENT_SECRET);
        }
        if app.disabled {
            return refuse(st, oauth::APP_NOT_ENABLED);
        }
        let Some(entry) = st.refresh.get(refresh_token) else {
            return refuse(st, oauth::REFRESH_TOKEN_INVALID);
        };
        let (index, state) = (entry.user, entry.state);
        let Some(user) = self.config.users.get(index) else {
            return refuse(st, oauth::REFRESH_TOKEN_INVALID);
        };
        if user.app_id != client_id {
            return refuse(st, oauth::CLIENT_MISMATCH);
        }
        match state {
            Refresh::Used => return refuse(st, oauth::REFRESH_TOKEN_USED),
            Refresh::Revoked => return refuse(st, oauth::REFRESH_TOKEN_REVOKED),
            Refresh::Expired => return refuse(st, oauth::REFRESH_TOKEN_EXPIRED),
            Refresh::Live(until) if until <= now => {
                return refuse(st, oauth::REFRESH_TOKEN_EXPIRED);
            }
            Refresh::Live(_) => {}
        }
        let (access, rotated) = self.rotate(st, index, user, refresh_token, now);
        st.stats.user_token_refreshes += 1;
        let body = ordered(&[
            ("code", json!(code::OK)),
            (token::ACCESS_TOKEN, json!(access)),
            (token::EXPIRES_IN, json!(user.access_ttl_secs)),
            (token::REFRESH_TOKEN, json!(rotated)),
            (token::REFRESH_TOKEN_EXPIRES_IN, json!(user.refresh_ttl_secs)),
            (token::TOKEN_TYPE, json!(token::BEARER)),
            (token::SCOPE, json!(user.scope)),
        ]);
        Reply::success(body, log_id(st))
    }

    /// Spends `spent`, issues a user access token and the next refresh token; remembers
    /// at most `PER_USER_MEMORY` of each per user.
    fn rotate(
        &self,
        st: &mut MockState,
        index: usize,
        user: &UserConfig,
        spent: &str,
        now: Instant,
    ) -> (String, String) {
        if let Some(entry) = st.refresh.get_mut(spent) {
            entry.state = Refresh::Used;
        }
        let access = new_token(st, "u-");
        let rotated = new_token(st, "ur-");
        st.tokens.insert(
            access.clone(),
            Issued {
                app: self.app_index(&user.app_id),
                kind: Kind::User,
                expires_at: later(now, user.access_ttl_secs),
            },
        );
        st.refresh.insert(
            rotated.clone(),
            RefreshEntry { user: index, state: Refresh::Live(later(now, user.refresh_ttl_secs)) },
        );
        let mut forget_refresh = None;
        let mut forget_access = None;
        if let Some(memory) = st.users.get_mut(index) {
            memory.spent.push_back(spent.to_owned());
            memory.access.push_back(access.clone());
            if memory.spent.len() > PER_USER_MEMORY {
                forget_refresh = memory.spent.pop_front();
            }
            if memory.access.len() > PER_USER_MEMORY {
                forget_access = memory.access.pop_front();
            }
        }
        if let Some(old) = forget_refresh {
            st.refresh.remove(&old);
        }
        if let Some(old) = forget_access {
            st.tokens.remove(&old);
        }
        (access, rotated)
    }

    /// The index of `app_id` in `config.apps` (`u32::MAX` for none).
    fn app_index(&self, app_id: &str) -> u32 {
        app_position(&self.config, app_id)
    }

    fn business(
        &self,
        st: &mut MockState,
        method: &Method,
        path: &str,
        api: &'static Api,
        headers: &HeaderMap,
        now: Instant,
    ) -> Reply {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, token)| {
                scheme.eq_ignore_ascii_case(token::BEARER) && !token.trim().is_empty()
            })
            .map(|(_, token)| token.trim());
        let require = self.config.tokens.require;
        let app = match bearer {
            None if require => return auth_reply(code::NEED_A_TOKEN, log_id(st)),
            None => u32::MAX,
            Some(token) => match st.tokens.get(token) {
                Some(t) if t.expires_at > now => t.app,
                Some(t) if require && t.kind == Kind::User => {
                    return auth_reply(code::USER_ACCESS_TOKEN_EXPIRED, log_id(st));
                }
                _ if require => return auth_reply(code::INVALID_ACCESS_TOKEN, log_id(st)),
                _ => u32::MAX,
            },
        };
        if let Some(tripped) = self.limit(st, app, api, now) {
            return rate_limited(tripped.reset_secs, tripped.limit, log_id(st));
        }
        if let Some(reply) = self.fault(st, method, path, Some(api), Some(app), now) {
            return reply;
        }
        Reply::success(self.success.clone(), log_id(st))
    }

    /// Counts a request of `app` to `api` in every window of the API's tier; the window
    /// that refuses it (the one with the longest wait when several do), if any. A refused
    /// request is not counted.
    fn limit(&self, st: &mut MockState, app: u32, api: &Api, now: Instant) -> Option<Tripped> {
        let index = api_index(api)?;
        let tier = self.tiers.get(index)?;
        if tier.windows.is_empty() {
            return None;
        }
        if st.limiters.len() >= MAX_WINDOWS && now.duration_since(st.last_prune).as_secs() >= 1 {
            st.last_prune = now;
            st.limiters.retain(|_, l| l.lapses_at > now);
        }
        let key = (app, u32::try_from(index).ok()?);
        if st.limiters.len() >= MAX_WINDOWS && !st.limiters.contains_key(&key) {
            return None;
        }
        let l = st.limiters.entry(key).or_insert(Limiter {
            starts: [now; MAX_TIER_WINDOWS],
            counts: [0; MAX_TIER_WINDOWS],
            lapses_at: now,
        });
        let mut tripped: Option<Tripped> = None;
        for (i, &(secs, limit)) in tier.windows.iter().enumerate().take(MAX_TIER_WINDOWS) {
            if l.counts[i] == 0 || now.duration_since(l.starts[i]) >= Duration::from_secs(secs) {
                l.starts[i] = now;
                l.counts[i] = 0;
                l.lapses_at = l.lapses_at.max(later(now, secs));
            }
            if l.counts[i] >= limit {
                let left = later(l.starts[i], secs).saturating_duration_since(now);
                // Whole seconds, rounded up: waiting that long is enough.
                let reset = u64::try_from(left.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
                let reset = reset.max(1);
                if tripped.as_ref().is_none_or(|t| reset > t.reset_secs) {
                    tripped = Some(Tripped { limit, reset_secs: reset });
                }
            }
        }
        if tripped.is_none() {
            for count in l.counts.iter_mut().take(tier.windows.len()) {
                *count += 1;
            }
        }
        tripped
    }

    /// The headers a 99991400 of `app` at `api` carries: the API's shortest window, its
    /// limit and the seconds left in it (the whole window when it has not started).
    fn limit_headers(
        &self,
        st: &MockState,
        app: Option<u32>,
        api: Option<&Api>,
        now: Instant,
    ) -> Option<Tripped> {
        let index = api.and_then(api_index)?;
        let &(secs, limit) = self.tiers.get(index)?.windows.first()?;
        let started = app
            .and_then(|app| st.limiters.get(&(app, u32::try_from(index).ok()?)))
            .map(|l| l.starts[0])
            .filter(|s| now.duration_since(*s) < Duration::from_secs(secs));
        let reset = match started {
            Some(start) => {
                let left = later(start, secs).saturating_duration_since(now);
                u64::try_from(left.as_millis().div_ceil(1000)).unwrap_or(u64::MAX).max(1)
            }
            None => secs,
        };
        Some(Tripped { limit, reset_secs: reset })
    }

    /// The reply of the first fault rule that fires for this request, if any.
    fn fault(
        &self,
        st: &mut MockState,
        method: &Method,
        path: &str,
        api: Option<&'static Api>,
        app: Option<u32>,
        now: Instant,
    ) -> Option<Reply> {
        for (i, rule) in self.config.faults.iter().enumerate() {
            let matches = match self.rule_apis.get(i).copied().flatten() {
                Some(named) => api.is_some_and(|a| std::ptr::eq(a, named)),
                None => rule.matches(method.as_str(), path),
            };
            if !matches {
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
                let headers = self.limit_headers(st, app, api, now);
                return Some(self.rule_reply(rule, api, headers, log_id(st)));
            }
        }
        None
    }

    /// The reply of a fault rule (validated: its entry exists) to a request to `api`: the
    /// API's entry of the code, else the generic one. A sub-code renders its row's
    /// message under the parent code; a scope error lists the API's documented scopes
    /// unless the rule names some; a 99991400 carries the rate-limit headers, as the
    /// platform's limiter sends them (`limits`: the API's window).
    fn rule_reply(
        &self,
        rule: &FaultRule,
        api: Option<&'static Api>,
        limits: Option<Tripped>,
        log_id: String,
    ) -> Reply {
        let Some(entry) = rule.entry(api) else {
            return catalog_reply(rule.code, rule.status.unwrap_or(400), log_id);
        };
        let status = rule.status.or(entry.http_status()).unwrap_or(400);
        let mut scopes = rule.scopes.clone();
        if scopes.is_empty() && entry.action() == Action::RequestScope {
            match api.map(Api::scopes).filter(|s| !s.is_empty()) {
                Some(documented) => scopes.extend(documented.iter().map(|s| s.id().to_owned())),
                None => scopes.push("mock:scope".to_owned()),
            }
        }
        let mut reply = match rule.sub_entry(api) {
            // The sub-code's row, carried by the parent's msg as the library renders it;
            // the body's code stays the parent's.
            Some(sub) => {
                let values = filled(sub, &rule.values);
                let msg = sub.render_sub_message(entry, &values);
                message_reply(entry.code(), msg, status, &scopes, log_id)
            }
            None => entry_reply(entry, status, &rule.values, &scopes, log_id),
        };
        if entry.code() == code::FREQUENCY_LIMIT {
            let fallback = self.config.rate_limit.as_ref().map(|r| r.requests);
            reply.limit = Some(
                rule.limit
                    .or(limits.as_ref().map(|t| t.limit))
                    .or(fallback)
                    .unwrap_or(DEFAULT_FAULT_LIMIT),
            );
            reply.reset_secs =
                Some(rule.reset_secs.or(limits.as_ref().map(|t| t.reset_secs)).unwrap_or(1));
        }
        reply
    }
}

/// The index of `app_id` in `config.apps` (`u32::MAX` for none): the key of an app's
/// rate-limit windows.
fn app_position(config: &Config, app_id: &str) -> u32 {
    config
        .apps
        .iter()
        .position(|a| a.app_id == app_id)
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(u32::MAX)
}

/// The catalog's method of an HTTP method (`None` for HEAD, OPTIONS, ...: no API has it).
fn lark_method(method: &Method) -> Option<lark_errors::catalog::Method> {
    use lark_errors::catalog::Method as M;
    Some(match *method {
        Method::GET => M::Get,
        Method::POST => M::Post,
        Method::PUT => M::Put,
        Method::PATCH => M::Patch,
        Method::DELETE => M::Delete,
        _ => return None,
    })
}

/// `now + secs`, saturating far in the future instead of panicking (validated
/// configurations stay below ten years).
fn later(now: Instant, secs: u64) -> Instant {
    now.checked_add(Duration::from_secs(secs))
        .or_else(|| now.checked_add(Duration::from_secs(crate::config::MAX_SECS)))
        .unwrap_or(now)
}

fn entry_of(code: u32) -> &'static Entry {
    // The mock's own codes are documented; a test checks it.
    &lark_errors::lookup(code)[0]
}

/// The rate limiter's answer: the entry's status (429), with both headers.
fn rate_limited(reset: u64, limit: u64, log_id: String) -> Reply {
    let status = entry_of(code::FREQUENCY_LIMIT).http_status().unwrap_or(429);
    let mut reply = catalog_reply(code::FREQUENCY_LIMIT, status, log_id);
    reply.reset_secs = Some(reset);
    reply.limit = Some(limit);
    reply
}

/// One of the mock's own errors, with its status as the platform sends it.
fn catalog_reply(code: u32, status: u16, log_id: String) -> Reply {
    entry_reply(entry_of(code), status, &[], &[], log_id)
}

/// An authentication error of a business endpoint: the entry's status, else 400.
fn auth_reply(code: u32, log_id: String) -> Reply {
    catalog_reply(code, entry_of(code).http_status().unwrap_or(400), log_id)
}

/// An error of the OAuth token endpoint, in its own shape and with its page's status.
fn oauth_reply(code: u32, log_id: String) -> Reply {
    let (status, error, description) = oauth::error(code)
        .map_or((400, "invalid_request", ""), |e| (e.status, e.error, e.description));
    let body = ordered(&[
        ("code", json!(code)),
        (token::ERROR, json!(error)),
        (token::ERROR_DESCRIPTION, json!(description)),
    ]);
    Reply { status, code: i64::from(code), body, reset_secs: None, limit: None, log_id }
}

/// The placeholder values of `entry` from `values`, in order; missing ones are `mock`.
fn filled<'v>(entry: &Entry, values: &'v [String]) -> Vec<&'v str> {
    (0..entry.placeholders().len()).map(|i| values.get(i).map_or("mock", String::as_str)).collect()
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
    let msg = entry.render_message(&filled(entry, values));
    message_reply(entry.code(), msg, status, scopes, log_id)
}

/// The platform's error body with code `code` and message `msg` (missing scopes appended).
fn message_reply(
    code: u32,
    mut msg: String,
    status: u16,
    scopes: &[String],
    log_id: String,
) -> Reply {
    if !scopes.is_empty() {
        // As the platform does: the missing scopes listed after the message.
        msg.push_str(": [");
        msg.push_str(&scopes.join(", "));
        msg.push(']');
    }
    let body = error_body(code, &msg, scopes, &log_id);
    Reply { status, code: i64::from(code), body, reset_secs: None, limit: None, log_id }
}

/// `{"code":..,"msg":..,"error":{"log_id":..,"permission_violations":[..],
/// "troubleshooter":..}}`, written directly: building it as `serde_json::Value`s cost
/// more than the rest of an error reply. The `error` keys are in serde_json's (sorted)
/// order, as the mock wrote them before; a test compares the two.
fn error_body(code: u32, msg: &str, scopes: &[String], log_id: &str) -> String {
    let mut out = String::with_capacity(256 + msg.len() + 2 * log_id.len() + 96 * scopes.len());
    out.push_str("{\"code\":");
    out.push_str(&code.to_string());
    out.push_str(",\"msg\":");
    push_json_str(&mut out, msg);
    out.push_str(",\"error\":{\"log_id\":");
    push_json_str(&mut out, log_id);
    if !scopes.is_empty() {
        out.push_str(",\"permission_violations\":[");
        for (i, s) in scopes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"description\":");
            push_json_str(&mut out, &format!("the app needs the scope {s}"));
            out.push_str(",\"subject\":");
            push_json_str(&mut out, s);
            out.push_str(",\"type\":\"action_scope_required\"}");
        }
        out.push(']');
    }
    out.push_str(",\"troubleshooter\":");
    push_json_str(
        &mut out,
        &format!(
            "排查建议查看(Troubleshooting suggestions): {}/search?from=openapi&log_id={log_id}&code={code}",
            host::FEISHU,
        ),
    );
    out.push_str("}}");
    out
}

/// `s` as a JSON string, escaped as serde_json escapes it.
fn push_json_str(out: &mut String, s: &str) {
    // Nothing to escape (the usual case): copied as it is.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push_str(&Value::from(s).to_string());
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

/// `YYYYMMDDhhmmss` of `secs` since the epoch (UTC).
fn timestamp(secs: u64) -> String {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let date = lark_errors::date::Date::from_unix_millis(days * 86_400_000);
    // Written digit by digit: `format!` with six padded fields costs more than the rest
    // of a success reply.
    let mut out = String::with_capacity(14);
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
    out
}

fn new_token(st: &mut MockState, prefix: &str) -> String {
    let (a, b) = (st.rng.next_u64(), st.rng.next_u64());
    format!("{prefix}{a:016x}{b:016x}")
}

/// A log id shaped like the platform's: `YYYYMMDDhhmmss` and 18 hex digits.
fn log_id(st: &mut MockState) -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let random = st.rng.next_u64();
    // The date and time part is the same for a second's requests: written once.
    if st.log_id_second.0 != secs || st.log_id_second.1.is_empty() {
        st.log_id_second = (secs, timestamp(secs));
    }
    let mut out = String::with_capacity(32);
    out.push_str(&st.log_id_second.1);
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for shift in (0..18).rev() {
        // 18 hex digits: the top byte twice over, then all 16.
        let nibble =
            if shift >= 16 { random >> (56 + 4 * (shift - 16)) } else { random >> (4 * shift) };
        out.push(char::from(HEX[(nibble & 0xF) as usize]));
    }
    out
}

/// Reads at most `limit` bytes of `body`; past that, reads and discards up to
/// `DRAIN_ABOVE_LIMIT` more so the client sees the answer, and reports `TooLarge`.
async fn read_body(headers: &HeaderMap, body: Body, limit: u64) -> ReadBody {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(DRAIN_ABOVE_LIMIT)) {
        return ReadBody::TooLarge;
    }
    let mut body = body;
    let mut kept: Vec<u8> = Vec::new();
    let mut seen: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        let Ok(data) = frame.into_data() else { continue };
        seen = seen.saturating_add(data.len() as u64);
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > limit.saturating_add(DRAIN_ABOVE_LIMIT) {
            return ReadBody::TooLarge;
        } else if !kept.is_empty() {
            kept = Vec::new();
        }
    }
    if seen > limit { ReadBody::TooLarge } else { ReadBody::Read(Bytes::from(kept)) }
}

/// The one handler behind every path.
pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let (method, headers) = (parts.method, parts.headers);
    let path = parts.uri.path();
    if path == STATS_PATH && method == Method::GET {
        let body = serde_json::to_string(&shared.stats()).unwrap_or_default();
        return json_response(200, body, &shared.new_log_id());
    }
    if path == APIS_PATH && method == Method::GET {
        return json_response(200, shared.routes.clone(), &shared.new_log_id());
    }
    let documented = || lark_method(&method).and_then(|m| lark_errors::route(m, path)).is_some();
    if !path.starts_with(host::API_PREFIX) && !documented() {
        // What the platform's gateway answers for a path it does not route (a few
        // documented APIs live outside `/open-apis/`).
        let mut response = Response::new(Body::from("404 page not found"));
        *response.status_mut() = StatusCode::NOT_FOUND;
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        if let Ok(id) = HeaderValue::from_str(&shared.new_log_id()) {
            h.insert(LOG_ID_HEADER, id);
        }
        return response;
    }
    let body = read_body(&headers, body, shared.config.server.max_body_bytes).await;
    let reply = shared.answer(&method, path, &headers, &body);
    if let Some(log) = &shared.log {
        log.request(method.as_str(), path, reply.status, reply.code, reply.reset_secs);
    }
    let mut response = json_response(reply.status, reply.body, &reply.log_id);
    let h = response.headers_mut();
    if let Some(limit) = reply.limit {
        h.insert(RATELIMIT_LIMIT_HEADER, HeaderValue::from(limit));
    }
    if let Some(reset) = reply.reset_secs {
        h.insert(RATELIMIT_RESET_HEADER, HeaderValue::from(reset));
    }
    response
}

/// The platform's headers as `HeaderName`s, made at compile time (made per response,
/// each is checked byte by byte).
const LOG_ID_HEADER: HeaderName = HeaderName::from_static(lark_header::LOG_ID);
const RATELIMIT_LIMIT_HEADER: HeaderName = HeaderName::from_static(lark_header::RATELIMIT_LIMIT);
const RATELIMIT_RESET_HEADER: HeaderName = HeaderName::from_static(lark_header::RATELIMIT_RESET);

fn json_response(status: u16, body: String, log_id: &str) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    if let Ok(id) = HeaderValue::from_str(log_id) {
        h.insert(LOG_ID_HEADER, id);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_the_platforms_key_order() {
        let reply = catalog_reply(code::NEED_A_TOKEN, 400, "L1".to_owned());
        assert!(
            reply
                .body
                .starts_with(r#"{"code":99991661,"msg":"Need a token","error":{"log_id":"L1""#),
            "{}",
            reply.body
        );
        let v: Value = serde_json::from_str(&reply.body).unwrap();
        assert!(v["error"]["troubleshooter"].as_str().unwrap().contains("log_id=L1&code=99991661"));
        let reply = oauth_reply(oauth::REFRESH_TOKEN_USED, "L2".to_owned());
        assert!(
            reply.body.starts_with(r#"{"code":20073,"error":"invalid_grant","error_description":"#)
        );
        assert_eq!(reply.status, 400);
    }

    /// The body written directly is the one the mock built from `serde_json::Value`s.
    #[test]
    fn error_bodies_are_what_serde_json_writes() {
        let by_value = |code: u32, msg: &str, scopes: &[String], log_id: &str| {
            let mut error = json!({
                "log_id": log_id,
                "troubleshooter": format!(
                    "排查建议查看(Troubleshooting suggestions): {}/search?from=openapi&log_id={log_id}&code={code}",
                    host::FEISHU,
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
            ordered(&[("code", json!(code)), ("msg", json!(msg)), ("error", error)])
        };
        let scopes = ["im:message".to_owned(), "a\"b\\c\n".to_owned()];
        for (msg, log_id) in [
            ("Need a token", "2025010112000012AB34CD56EF7890AB"),
            ("quote \" backslash \\ tab \t nul \u{0} 中文 \u{1f}", "id\"x"),
            ("", ""),
        ] {
            for scopes in [&scopes[..0], &scopes[..1], &scopes[..]] {
                assert_eq!(
                    error_body(99991672, msg, scopes, log_id),
                    by_value(99991672, msg, scopes, log_id)
                );
            }
        }
    }

    #[test]
    fn own_codes_are_documented() {
        for code in [
            code::INVALID_PARAMETER,
            code::APP_UNAUTHORIZED,
            code::WRONG_APP_SECRET,
            code::FREQUENCY_LIMIT,
            code::NEED_A_TOKEN,
            code::INVALID_ACCESS_TOKEN,
            code::USER_ACCESS_TOKEN_EXPIRED,
            code::TOO_LARGE_REQUEST,
        ] {
            assert!(lark_errors::is_documented(code), "{code}");
        }
    }

    #[test]
    fn log_ids_look_like_the_platforms() {
        let shared = Shared::new(Config::default(), None);
        let id = shared.new_log_id();
        assert_eq!(id.len(), 32, "{id}");
        assert!(id[..14].bytes().all(|b| b.is_ascii_digit()), "{id}");
        assert!(id.starts_with("20"), "{id}");
        assert!(id[14..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()), "{id}");
        assert_ne!(id, shared.new_log_id());
    }

    #[test]
    fn timestamps_are_utc_digits() {
        assert_eq!(timestamp(0), "19700101000000");
        assert_eq!(timestamp(1_700_000_000), "20231114221320");
        assert_eq!(timestamp(951_782_399), "20000228235959");
    }

    #[test]
    fn later_saturates_instead_of_panicking() {
        let now = Instant::now();
        assert!(later(now, u64::MAX) > now);
        assert_eq!(later(now, 5), now + Duration::from_secs(5));
    }
}
