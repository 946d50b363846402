//! `lark_errors::diagnose` of the bodies the catalog's own entries render.
//!
//! Input: an entry index (2 bytes), a status (1 byte), an undocumented envelope code
//! (4 bytes), then placeholder values (runs of letters and digits).
//!
//! Properties:
//! - `diagnose(status, headers, entry.render_body(values))` finds that entry's code, is
//!   known, rests on the catalog, matched the live message, and picks that very entry
//!   when the code has only one;
//! - the same entry wrapped in another layer's envelope (`{"code": <undocumented>,
//!   "msg": "code: <entry code>, msg: <message>"}`) is found through the wrapped code;
//! - what `resolve_match` chose for the message is what the diagnosis reports.
#![no_main]

use lark_errors::diagnose::{Basis, diagnose};
use lark_errors::platform::header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, b, s, c0, c1, c2, c3, rest @ ..] = data else { return };
    let entries = lark_errors::entries();
    let entry = &entries[(usize::from(*a) << 8 | usize::from(*b)) % entries.len()];
    if entry.code() == 0 {
        return;
    }
    let status = match s % 6 {
        0 => None,
        1 => Some(200),
        2 => Some(400),
        3 => Some(429),
        4 => Some(500),
        _ => entry.http_status(),
    };
    let words: Vec<String> = rest
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(&w[..w.len().min(64)]).into_owned())
        .take(8)
        .collect();
    let mut values: Vec<&str> = words.iter().map(String::as_str).collect();
    while values.len() < entry.placeholders().len() {
        values.push("mock");
    }
    let headers = [(header::RATELIMIT_RESET, "3"), (header::REQUEST_ID, "req-1")];

    let body = entry.render_body(&values);
    let d = diagnose(status, &headers[..], body.as_bytes());
    let code = i64::from(entry.code());
    assert_eq!(d.code, Some(code), "{body}: {d:?}");
    assert!(d.known() && d.basis == Basis::Catalog, "{body}: {d:?}");
    assert!(d.match_quality.is_some(), "{body}: its own message did not match: {d:?}");
    assert!(d.parse_error.is_none());
    let msg = entry.render_message(&values);
    let r = lark_errors::resolve_match(entry.code(), &msg).expect("documented");
    assert!(std::ptr::eq(d.entry.unwrap(), r.entry), "{body}: diagnosis and resolve_match differ");
    assert_eq!(d.values, r.values);
    if lark_errors::lookup(entry.code()).len() == 1 {
        assert!(std::ptr::eq(r.entry, entry), "{body}: the only entry of its code was not chosen");
    }

    // The same error wrapped by another layer, under an undocumented envelope code.
    let envelope = i64::from(u32::from_le_bytes([*c0, *c1, *c2, *c3]));
    if envelope == 0 || u32::try_from(envelope).is_ok_and(lark_errors::is_documented) {
        return;
    }
    let wrapped = format!("code: {code}, msg: {msg}");
    let mut body = String::from("{\"code\":");
    body.push_str(&envelope.to_string());
    body.push_str(",\"msg\":");
    body.push_str(&serde_json::to_string(&wrapped).unwrap());
    body.push('}');
    let d = diagnose(status, &headers[..], body.as_bytes());
    assert_eq!(d.code, Some(code), "{body}: {d:?}");
    assert!(d.known() && d.basis == Basis::Wrapped, "{body}: {d:?}");
});
