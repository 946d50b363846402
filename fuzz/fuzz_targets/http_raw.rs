//! `larkerr::http`: raw HTTP responses as `curl -i` prints them.
//!
//! Input: the text (invalid UTF-8 replaced).
//!
//! Properties:
//! - whatever parses looks raw, has a status of 100-599, header names without
//!   whitespace, and a body that is the end of the input;
//! - printing the parsed response again (status line, headers, blank line, body) and
//!   parsing that gives the same response;
//! - the parsed response diagnoses (headers included: rate limit, `Retry-After` as
//!   seconds or HTTP-date) with its status, and waits only when retryable.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use larkerr::http;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let looks_raw = http::looks_raw(&text);
    let Ok(r) = http::parse(&text) else { return };
    assert!(looks_raw, "parsed, but does not look raw");
    assert!((100..=599).contains(&r.status), "status {}", r.status);
    assert!(text.ends_with(r.body), "the body is not the end of the input");
    for (name, value) in &r.headers {
        assert!(!name.is_empty() && !name.contains(char::is_whitespace), "header name {name:?}");
        assert!(!name.contains(':') && !value.contains('\n'), "header {name:?}: {value:?}");
        assert_eq!(*value, value.trim(), "header value not trimmed");
    }

    let mut again = format!("HTTP/1.1 {}\r\n", r.status);
    for (name, value) in &r.headers {
        again.push_str(&format!("{name}: {value}\r\n"));
    }
    again.push_str("\r\n");
    again.push_str(r.body);
    let r2 = http::parse(&again).unwrap_or_else(|e| panic!("reprinted response fails: {e}"));
    assert_eq!(r2, r, "reprinted response parses differently");

    // With and without a clock for an HTTP-date `Retry-After`.
    let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    for d in [
        lark_errors::diagnose(Some(r.status), &r.headers[..], r.body.as_bytes()),
        lark_errors::diagnose_at(Some(r.status), &r.headers[..], r.body.as_bytes(), now),
    ] {
        assert_eq!(d.http_status, Some(r.status));
        assert!(d.retry_after_secs.is_none() || d.retryable(), "a wait on a non-retryable: {d:?}");
    }
});
