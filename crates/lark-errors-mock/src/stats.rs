//! What the mock has seen: request counts, token fetches, codes answered, a request log.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

/// Counters since the server started; also served as JSON at `GET /_mock/stats`.
///
/// ```json
/// {"requests": {"/open-apis/im/v1/chats": 3}, "apis": {"GET /open-apis/im/v1/chats": 3},
///  "other_paths": 0, "paths_capped": false,
///  "token_fetches": 1, "user_token_refreshes": 0, "codes": {"0": 3, "99991400": 1},
///  "log_lines_dropped": 0}
/// ```
///
/// Memory stays bounded: `requests` holds at most `server.max_paths` paths; requests to
/// further paths are counted in `other_paths`, and `paths_capped` says that happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Stats {
    /// Requests per path (every method) under `/open-apis/`, token endpoints included.
    pub requests: BTreeMap<String, u64>,
    /// Requests per documented API (`GET /open-apis/im/v1/chats/:chat_id`), every
    /// answer counted (token endpoints included); at most one key per API of the
    /// catalog. Requests to a path no API has are in `codes` as 99991201.
    pub apis: BTreeMap<String, u64>,
    /// Requests to paths beyond the first `server.max_paths` distinct ones.
    pub other_paths: u64,
    /// Whether some paths are counted in `other_paths` rather than one by one.
    pub paths_capped: bool,
    /// Successful tenant and app token fetches (one per call that answered tokens).
    pub token_fetches: u64,
    /// Successful user_access_token refreshes at the OAuth token endpoint.
    pub user_token_refreshes: u64,
    /// Responses per body code (`0` for success).
    pub codes: BTreeMap<i64, u64>,
    /// Request log lines not written because the log's writer was behind (see
    /// [`RequestLog`](crate::RequestLog)); serving never waits for the log.
    pub log_lines_dropped: u64,
}

impl Stats {
    /// Requests to `path` so far (0 for a path counted in `other_paths`).
    pub fn requests_to(&self, path: &str) -> u64 {
        self.requests.get(path).copied().unwrap_or(0)
    }

    /// Requests to any path so far.
    pub fn total(&self) -> u64 {
        self.requests.values().sum::<u64>() + self.other_paths
    }

    /// Requests to `api` (`METHOD /open-apis/...` template, as `Api`'s `Display`) so far.
    pub fn requests_to_api(&self, api: &str) -> u64 {
        self.apis.get(api).copied().unwrap_or(0)
    }

    /// Responses with body code `code` so far.
    pub fn responses_with(&self, code: i64) -> u64 {
        self.codes.get(&code).copied().unwrap_or(0)
    }
}

/// One request the mock answered, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RequestRecord {
    /// 1-based position among all requests.
    pub seq: u64,
    /// When it arrived, since the server started.
    pub at: Duration,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// HTTP status answered.
    pub status: u16,
    /// Body code answered (`0` for success).
    pub code: i64,
    /// `x-ogw-ratelimit-reset` answered, for a rate-limited request.
    pub reset_secs: Option<u64>,
}
