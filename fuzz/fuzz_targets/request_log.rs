//! `larkerr::request::parse_log_line`: one log line holding a request and its response,
//! a JSON record or an SDK's text line, as `larkerr classify` reads it.
//!
//! Input: the line (invalid UTF-8 replaced).
//!
//! Properties:
//! - what parses names an `/open-apis` URL, a status of 100-599 if any, no headers, and
//!   a body at most five times the input (a JSON number may print longer than written:
//!   `1e15` as `1000000000000000.0`);
//! - from a text line (not a JSON object), the URL is text of the line without
//!   whitespace or quotes, and the body is empty or the JSON object that follows it,
//!   printed by serde_json (floats aside: serde_json may read them one unit in the
//!   last place off);
//! - printing the exchange again as a JSON record (`method`, `url`, `status`, `body`), and
//!   one from a text line as a text line (`METHOD URL status N BODY`), and parsing that
//!   gives the same exchange;
//! - the exchange diagnoses as `classify` does (routed by the library from its method
//!   and URL) with its status, and waits only when retryable.
#![no_main]

use lark_errors::diagnose::{Diagnoser, NoHeaders};
use lark_errors::platform::host::API_PREFIX;
use larkerr::request::{self, Exchange};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(x) = request::parse_log_line(&text) else { return };
    let line = text.trim();
    assert!(x.url.contains(API_PREFIX.trim_end_matches('/')), "URL {:?}", x.url);
    if let Some(s) = x.status {
        assert!((100..=599).contains(&s), "status {s}");
    }
    assert!(x.headers.is_empty());
    assert!(
        x.body.len() <= 5 * line.len() + 16,
        "a body of {} bytes from {}",
        x.body.len(),
        line.len()
    );

    let record = line.starts_with('{')
        && serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line).is_ok();
    if !record {
        assert!(line.contains(x.url.as_str()) && x.url.contains(API_PREFIX), "URL {:?}", x.url);
        assert!(!x.url.contains(|c: char| c.is_whitespace() || c == '"'), "URL {:?}", x.url);
        // serde_json (without its `float_roundtrip` feature) may read a float it printed
        // one unit in the last place off: a body with floats is compared without them.
        let mut floats = false;
        if !x.body.is_empty() {
            let v: serde_json::Value = serde_json::from_str(&x.body).expect("the body is JSON");
            floats = has_float(&v);
            let printed = v.to_string();
            assert!(v.is_object() && (floats || printed == x.body), "body {:?}", x.body);
        }
        let again = as_text(&x).unwrap_or_else(|| panic!("{x:?} from a text line is not one"));
        let mut x2 = request::parse_log_line(&again)
            .unwrap_or_else(|| panic!("the reprinted line does not parse: {again:?}"));
        if floats {
            assert!(!x2.body.is_empty(), "the reprinted line lost its body: {again:?}");
            x2.body.clone_from(&x.body);
        }
        assert_eq!(x2, x, "the reprinted line parses differently: {again:?}");
    }
    let again = as_record(&x);
    let x2 = request::parse_log_line(&again)
        .unwrap_or_else(|| panic!("the reprinted record does not parse: {again:?}"));
    assert_eq!(x2, x, "the reprinted record parses differently: {again:?}");

    let method = x.method.map_or("", |m| m.as_str());
    let d =
        Diagnoser::new().request(method, &x.url).diagnose(x.status, &NoHeaders, x.body.as_bytes());
    assert_eq!(d.http_status, x.status);
    assert!(d.retry_after_secs.is_none() || d.retryable(), "a wait on a non-retryable: {d:?}");
    let routed = match x.method {
        Some(m) => lark_errors::route(m, &x.url),
        None => lark_errors::route_path(&x.url),
    };
    assert!(d.api.map(std::ptr::from_ref) == routed.map(std::ptr::from_ref), "{d:?}");
});

/// The exchange as a JSON log record.
fn as_record(x: &Exchange) -> String {
    let mut record = serde_json::Map::new();
    if let Some(m) = x.method {
        record.insert("method".into(), m.as_str().into());
    }
    record.insert("url".into(), x.url.clone().into());
    if let Some(s) = x.status {
        record.insert("status".into(), s.into());
    }
    record.insert("body".into(), x.body.clone().into());
    serde_json::Value::Object(record).to_string()
}

/// The exchange as an SDK's text line, where a text line can hold it: a URL without
/// whitespace or quotes, no `=` before its `/open-apis/` and no `,` after, and a body
/// that is empty or a JSON object.
fn as_text(x: &Exchange) -> Option<String> {
    let at = x.url.find(API_PREFIX)?;
    let url_ok = !x.url.contains(|c: char| c.is_whitespace() || c == '"')
        && !x.url[..at].contains('=')
        && !x.url[at..].contains(',');
    let body_ok = x.body.is_empty()
        || serde_json::from_str::<serde_json::Value>(&x.body).is_ok_and(|v| v.is_object());
    if !url_ok || !body_ok {
        return None;
    }
    let mut line = String::from("[Error] ");
    if let Some(m) = x.method {
        line.push_str(m.as_str());
        line.push(' ');
    }
    line.push_str(&x.url);
    if let Some(s) = x.status {
        line.push_str(&format!(" status {s}"));
    }
    if !x.body.is_empty() {
        line.push(' ');
        line.push_str(&x.body);
    }
    Some(line)
}

/// Whether `v` holds a floating-point number.
fn has_float(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(items) => items.iter().any(has_float),
        serde_json::Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}
