//! `lark_errors::diagnose`: a response body of any bytes, under a few statuses.
//!
//! Input: the body.
//!
//! Properties:
//! - a body that is a JSON object with one integer `code` is read without error; with
//!   a documented, non-zero code it is diagnosed from the catalog (known, that code,
//!   an entry of that code; a login challenge may override the verdict); with code 0
//!   it is a success;
//! - the diagnosis keeps the status it was given, only carries a wait when retryable,
//!   has no category or action when a success, lists each missing scope once, and
//!   serializes to JSON;
//! - `Diagnosis::from_code_msg` of the body's code and message holds the same;
//! - the success fast path changes nothing: `diagnose` equals
//!   `Diagnoser::diagnose_without_fast_path` (the full parse) on every body.
#![no_main]

use lark_errors::diagnose::{self, Basis, Diagnoser, Diagnosis};
use lark_errors::platform::header;
use libfuzzer_sys::fuzz_target;

const STATUSES: [Option<u16>; 5] = [None, Some(200), Some(400), Some(429), Some(503)];

fuzz_target!(|body: &[u8]| {
    let expected = top_level_code(body);
    let headers = [(header::RATELIMIT_RESET, "7"), (header::LOG_ID, "fuzz-log-id")];
    for status in STATUSES {
        let d = diagnose::diagnose(status, &headers[..], body);
        let full = Diagnoser::new().diagnose_without_fast_path(status, &headers[..], body);
        assert_eq!(d, full, "the fast path disagrees with the full parse");
        check(&d, status);
        if let Some((code, _)) = &expected {
            from_catalog(&d, *code);
        }
    }
    if let Some((code, msg)) = expected {
        let d = Diagnosis::from_code_msg(code, &msg);
        check(&d, None);
        from_catalog(&d, code);
    }
});

/// The body's `code` and `msg` when the body is, to serde_json, an object whose one
/// `"code"` key (no other in the text) holds an integer.
fn top_level_code(body: &[u8]) -> Option<(i64, String)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = v.as_object()?.get("code")?.as_i64()?;
    let keys = body.windows(6).filter(|w| w == b"\"code\"").count();
    (keys == 1).then(|| (code, v["msg"].as_str().unwrap_or_default().to_owned()))
}

fn check(d: &Diagnosis, status: Option<u16>) {
    assert_eq!(d.http_status, status);
    assert!(d.retry_after_secs.is_none() || d.retryable(), "a wait on a non-retryable: {d:?}");
    if d.is_success() {
        assert!(d.category().is_none() && d.action().is_none(), "a success with a verdict");
    }
    if let Some(entry) = d.entry {
        assert_eq!(d.code, Some(i64::from(entry.code())));
    }
    for (i, s) in d.missing_scopes.iter().enumerate() {
        assert!(!s.is_empty() && !d.missing_scopes[..i].contains(s), "{:?}", d.missing_scopes);
    }
    let json = serde_json::to_string(d).expect("a diagnosis serializes");
    serde_json::from_str::<serde_json::Value>(&json).expect("and the JSON parses back");
}

fn from_catalog(d: &Diagnosis, code: i64) {
    assert!(d.parse_error.is_none(), "a body with an integer code is readable: {d:?}");
    if code == 0 {
        assert!(d.is_success(), "code 0 is success: {d:?}");
    } else if u32::try_from(code).is_ok_and(lark_errors::is_documented) {
        let from_entry = matches!(d.basis, Basis::Catalog | Basis::Challenge);
        assert!(d.known() && from_entry, "documented code {code}: {d:?}");
        assert_eq!(d.code, Some(code));
    }
}
