//! `lark_errors::diagnose`: a response body of any bytes, under a few statuses.
//!
//! Input: the body.
//!
//! Properties:
//! - a body that parses with a documented, non-zero code is diagnosed from the catalog:
//!   known, that code, an entry of that code with its category and action;
//! - a body with code 0 is a success;
//! - the diagnosis keeps the status it was given, is retryable exactly when its action
//!   is, only carries a wait when retryable, lists each missing scope once, and
//!   serializes to JSON;
//! - an embedded code found by `wrapped_code` comes with text taken from the message.
#![no_main]

use lark_errors::diagnose::{self, Diagnosis, ErrorBody};
use lark_errors::platform::header;
use libfuzzer_sys::fuzz_target;

const STATUSES: [Option<u16>; 5] = [None, Some(200), Some(400), Some(429), Some(503)];

fuzz_target!(|body: &[u8]| {
    let parsed = ErrorBody::parse(body);
    let headers = [(header::RATELIMIT_RESET, "7"), (header::LOG_ID, "fuzz-log-id")];
    for status in STATUSES {
        let d = diagnose::diagnose(status, &headers[..], body);
        check(&d, status);
        if let Ok(b) = &parsed {
            from_catalog(&d, b);
        } else {
            assert!(d.parse_error.is_some(), "an unreadable body must say why");
        }
    }
    if let Ok(b) = &parsed {
        let msg = b.msg.as_deref().unwrap_or_default();
        if let Some((_, rest)) = diagnose::wrapped_code(msg) {
            assert!(msg.contains(rest), "{rest:?} is not text of {msg:?}");
        }
        if let Some(code) = b.code {
            check(&Diagnosis::from_code_msg(code, msg), None);
        }
    }
});

fn check(d: &Diagnosis, status: Option<u16>) {
    assert_eq!(d.http_status, status);
    assert_eq!(d.retryable, d.action.is_some_and(|a| a.is_retryable()));
    assert!(d.retry_after_secs.is_none() || d.retryable, "a wait on a non-retryable diagnosis");
    assert_eq!(d.known, d.entry.is_some());
    if let Some(entry) = d.entry {
        assert_eq!(d.code, Some(i64::from(entry.code())));
        assert_eq!(d.category, Some(entry.category()));
        assert_eq!(d.action, Some(entry.action()));
    }
    for (i, s) in d.missing_scopes.iter().enumerate() {
        assert!(!s.is_empty() && !d.missing_scopes[..i].contains(s), "{:?}", d.missing_scopes);
    }
    let json = serde_json::to_string(d).expect("a diagnosis serializes");
    serde_json::from_str::<serde_json::Value>(&json).expect("and the JSON parses back");
}

fn from_catalog(d: &Diagnosis, body: &ErrorBody) {
    let Some(code) = body.code else { return };
    if code == 0 {
        assert!(d.is_success(), "code 0 is success: {d:?}");
        return;
    }
    let documented = u32::try_from(code).is_ok_and(lark_errors::is_documented);
    if documented {
        assert!(d.known, "documented code {code} not known: {d:?}");
        assert_eq!(d.code, Some(code));
        assert_eq!(d.entry.map(|e| i64::from(e.code())), Some(code));
    }
}
