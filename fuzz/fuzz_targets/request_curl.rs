//! `larkerr::request::parse_curl_verbose`: `curl -v` transcripts (stderr and stdout
//! together), the request and the response `larkerr classify` reads out of them.
//!
//! Input: the transcript (invalid UTF-8 replaced).
//!
//! Properties:
//! - what `looks_curl_verbose` accepts parses, with a method;
//! - the URL is the request target, text of the input, or `https://`, the value of a
//!   `> Host:` line and a path that is text of the input;
//! - a status is 100-599; header names are non-empty, without whitespace or `:`, and
//!   with their values (trimmed, one line) text of the input; the body is trimmed, no
//!   longer than the input, and each of its lines a line of the input;
//! - printing the exchange again as a transcript (request line, status line, headers,
//!   body) and parsing that gives the same exchange (unless the URL holds whitespace,
//!   from a `Host:` value, or the body, trimmed, starts like one of curl's own lines);
//! - the exchange diagnoses as `classify` does (routed by the library from its method
//!   and URL) with its status, and waits only when retryable.
#![no_main]

use lark_errors::diagnose::Diagnoser;
use larkerr::request::{self, Exchange};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let looks = request::looks_curl_verbose(&text);
    let Some(x) = request::parse_curl_verbose(&text) else {
        assert!(!looks, "looks like a transcript, but does not parse");
        return;
    };
    assert!(x.method.is_some(), "a transcript without a request method: {x:?}");

    // `https://` HOST TARGET: HOST the value of a `> Host:` line, TARGET text of the input.
    let joined = x.url.strip_prefix("https://").is_some_and(|rest| {
        text.lines()
            .filter_map(|l| l.strip_prefix("> ")?.split_once(':'))
            .filter(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
            .any(|(_, host)| {
                rest.strip_prefix(host.trim())
                    .is_some_and(|target| target.starts_with('/') && text.contains(target))
            })
    });
    assert!(text.contains(x.url.as_str()) || joined, "URL {:?} is not from the input", x.url);
    if let Some(s) = x.status {
        assert!((100..=599).contains(&s), "status {s}");
    }
    for (name, value) in &x.headers {
        assert!(!name.is_empty() && !name.contains(char::is_whitespace), "header name {name:?}");
        assert!(!name.contains(':') && !value.contains('\n'), "header {name:?}: {value:?}");
        assert_eq!(value.as_str(), value.trim(), "header value not trimmed");
        assert!(text.contains(name.as_str()) && text.contains(value.as_str()), "header {name:?}");
    }
    assert_eq!(x.body, x.body.trim(), "body not trimmed");
    assert!(x.body.len() <= text.len(), "the body is longer than the input");
    let lines: std::collections::HashSet<&str> =
        text.lines().map(|l| l.trim_end_matches('\r')).collect();
    // Lines in between whole; the first and the last may have lost blank space.
    let body_lines: Vec<&str> = x.body.split('\n').collect();
    for (i, line) in body_lines.iter().enumerate() {
        let at_an_end = i == 0 || i + 1 == body_lines.len();
        let whole = lines.contains(line) || (at_an_end && text.contains(line));
        assert!(whole, "body line {line:?} is not a line of the input");
    }

    if let Some(again) = reprint(&x) {
        let x2 = request::parse_curl_verbose(&again)
            .unwrap_or_else(|| panic!("the reprinted transcript does not parse: {again:?}"));
        assert_eq!(x2, x, "the reprinted transcript parses differently: {again:?}");
    }

    let method = x.method.map_or("", |m| m.as_str());
    let d =
        Diagnoser::new().request(method, &x.url).diagnose(x.status, &x.headers, x.body.as_bytes());
    assert_eq!(d.http_status, x.status);
    assert!(d.retry_after_secs.is_none() || d.retryable(), "a wait on a non-retryable: {d:?}");
    let routed = x.method.and_then(|m| lark_errors::route(m, &x.url));
    assert!(d.api.map(std::ptr::from_ref) == routed.map(std::ptr::from_ref), "{d:?}");
});

/// The exchange as a transcript: `None` where the parse cannot give it back (a URL with
/// whitespace, or a body that, trimmed, starts like a line of curl's own).
fn reprint(x: &Exchange) -> Option<String> {
    let method = x.method?;
    let curl_like = x.body.starts_with(['*', '>', '<'])
        || x.body.starts_with("{ [")
        || x.body.starts_with("} [");
    if x.url.contains(char::is_whitespace) || curl_like {
        return None;
    }
    // The URL as the request target: a path stays a path, a URL with the host stays one.
    let mut t =
        format!("* Connected\n> {} {} HTTP/1.1\n> Accept: */*\n>\n", method.as_str(), x.url);
    if let Some(s) = x.status {
        t.push_str(&format!("< HTTP/1.1 {s}\n"));
    }
    for (name, value) in &x.headers {
        t.push_str(&format!("< {name}: {value}\n"));
    }
    t.push_str("<\n");
    t.push_str(&x.body);
    t.push_str("\n* Connection #0 left intact\n");
    Some(t)
}
