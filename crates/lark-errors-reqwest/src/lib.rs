//! A [`reqwest_middleware`] middleware for the Feishu / Lark Open Platform that acts on
//! the documented error codes: it waits out rate limits (99991400, HTTP 429,
//! `x-ogw-ratelimit-reset`), refreshes a stale token once (99991663) instead of reusing
//! it, retries what may be retried with jittered backoff, and returns everything else
//! untouched with a typed [`Diagnosis`] attached. Tokens come from an
//! [`AppTokenSource`] (tenant or app access tokens) or a [`UserTokenSource`] (a user's
//! access token, kept alive with the OAuth refresh grant and single-use refresh tokens).
//! Response bodies are read bounded (64 KiB, 10 s) and anything longer or slower is
//! passed through intact.
//!
//! With [`Pacing::Documented`] it also paces requests by their API's documented
//! rate-limit tier, per app, so that a burst does not meet 99991400 at all.
//!
//! The rules are not here: every response is diagnosed with its request by
//! [`lark_errors::Diagnoser`] (the request routed to its documented API, whose own
//! entries decide an error) and every decision is
//! [`lark_errors::RetryPolicy::decide`]; this crate only carries them out (sleeps, token
//! fetches, re-sends).
//!
//! ```no_run
//! # async fn run() -> reqwest_middleware::Result<()> {
//! use std::time::Duration;
//! use lark_errors::RetryPolicy;
//! use lark_errors_reqwest::{AppTokenSource, LarkMiddleware, ResponseExt};
//!
//! let tokens = AppTokenSource::tenant(AppTokenSource::FEISHU, "cli_a1b2c3", "app secret");
//! let middleware = LarkMiddleware::new()
//!     .with_policy(RetryPolicy::default().with_max_attempts(5))
//!     .with_token_source(tokens);
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(middleware)
//!     .build();
//!
//! let response = client.get("https://open.feishu.cn/open-apis/im/v1/chats").send().await?;
//! let diagnosis = response.diagnosis().cloned();
//! let body = response.text().await?; // the body is still there
//! if let Some(d) = diagnosis.filter(|d| !d.is_success()) {
//!     eprintln!("{:?} {:?}: missing scopes {:?}", d.code, d.action(), d.missing_scopes);
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
mod middleware;
mod pace;
mod token;
mod user;

pub use lark_errors::diagnose::Diagnosis;
pub use middleware::{Attempts, Idempotent, LarkMiddleware, ResponseExt};
pub use pace::{Pacer, Pacing};
pub use token::{AppTokenSource, TokenError, TokenSource};
pub use user::{StoreError, TokenStore, UserTokenSource, UserTokens};

/// An [`http::HeaderMap`] as [`lark_errors::diagnose::Headers`], for diagnosing
/// responses of `http`-based clients.
///
/// ```
/// use lark_errors::diagnose::Headers;
/// use lark_errors::platform::header;
/// let mut map = http::HeaderMap::new();
/// map.insert(header::RATELIMIT_RESET, http::HeaderValue::from_static("3"));
/// let canonical = header::canonical(header::RATELIMIT_RESET);
/// assert_eq!(lark_errors_reqwest::HeaderMapHeaders(&map).header(&canonical), Some("3"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HeaderMapHeaders<'a>(pub &'a http::HeaderMap);

/// Up to this many header values, [`HeaderMapHeaders`] finds a name by comparing.
const SCAN_HEADERS: usize = 16;

impl lark_errors::diagnose::Headers for HeaderMapHeaders<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        // A response has a handful of headers: comparing their names costs less than
        // parsing `name` into a `HeaderName` and hashing it (or than hashing a prepared
        // one: measured). The first value of the first name that matches, as `get`
        // gives; a long map is looked up by hash.
        let value = if self.0.len() <= SCAN_HEADERS {
            self.0.iter().find(|(k, _)| is_named(k.as_str(), name)).map(|(_, v)| v)
        } else {
            self.0.get(name)
        };
        value.and_then(|v| v.to_str().ok())
    }
}

/// Whether header `key` is `name` in any case: names in a map are lower case, so one
/// of another length is not it, and one in lower case compares as it is.
#[inline]
fn is_named(key: &str, name: &str) -> bool {
    key.len() == name.len() && (key == name || key.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lark_errors::diagnose::Headers;
    use lark_errors::platform::header;

    /// Whatever the path (a scan of a short map, a hash lookup in a long one), the answer is the first
    /// value `HeaderMap::get` gives for the name in lower case.
    #[test]
    fn header_lookup_agrees_with_header_map_get() {
        let known = [
            header::LOG_ID,
            header::RATELIMIT_LIMIT,
            header::RATELIMIT_RESET,
            header::REQUEST_ID,
            header::RETRY_AFTER,
            header::DATE,
        ];
        let others = ["content-type", "x-custom", "x-tt-logid2", "x-tt-logi", ""];
        for filler in [0, 3, SCAN_HEADERS, SCAN_HEADERS + 5] {
            let mut map = http::HeaderMap::new();
            for i in 0..filler {
                map.insert(
                    http::HeaderName::try_from(format!("x-filler-{i}")).unwrap(),
                    http::HeaderValue::from(i),
                );
            }
            for (i, name) in known.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
                map.append(*name, http::HeaderValue::from(i));
                map.append(*name, http::HeaderValue::from_static("second"));
            }
            map.insert("x-custom", http::HeaderValue::from_static("custom"));
            map.insert("content-type", http::HeaderValue::from_static("application/json"));
            for name in known.iter().chain(&others) {
                for spelled in [name.to_string(), header::canonical(name), name.to_uppercase()] {
                    let want = http::HeaderName::try_from(name.to_string())
                        .ok()
                        .and_then(|n| map.get(n))
                        .and_then(|v| v.to_str().ok());
                    assert_eq!(
                        HeaderMapHeaders(&map).header(&spelled),
                        want,
                        "{spelled} of {filler}"
                    );
                }
            }
            assert_eq!(HeaderMapHeaders(&map).header("x-custom"), Some("custom"));
            assert_eq!(HeaderMapHeaders(&map).header(header::LOG_ID), Some("0"));
            assert_eq!(HeaderMapHeaders(&map).header(header::RATELIMIT_LIMIT), None);
        }
    }
}
