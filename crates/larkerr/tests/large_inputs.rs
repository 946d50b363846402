//! Property tests with large raw HTTP input (issue #11, "proptests with inputs larger
//! than 2 KB where size matters"): `curl -i` output with thousands of interim blocks,
//! hundreds of headers and bodies up to ~100 KB parses to the last block, its headers
//! in order and the body intact, and the diagnosis reads the last block's
//! rate-limit headers. `PROPTEST_CASES` overrides the case count.

use lark_errors::diagnose::diagnose;
use lark_errors::platform::header;
use larkerr::http;
use proptest::prelude::*;

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(12)))]

    #[test]
    fn large_raw_responses_parse_to_their_last_block(
        interim in 0usize..3_000,
        headers in prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,30}", "[ -~]{0,60}"), 0..600),
        body_len in 2_000usize..100_000,
        crlf in any::<bool>(),
        reset in 0u64..100_000,
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut raw = String::new();
        for i in 0..interim {
            let line = if i % 2 == 0 { "HTTP/1.1 100 Continue" } else { "HTTP/1.1 200 Connection established" };
            raw.push_str(&format!("{line}{eol}X-Interim: {i}{eol}{eol}"));
        }
        raw.push_str(&format!("HTTP/2 429{eol}"));
        for (name, value) in &headers {
            raw.push_str(&format!("{name}: {value}{eol}"));
        }
        raw.push_str(&format!("{}: {reset}{eol}{eol}", header::RATELIMIT_RESET));
        let msg = "x".repeat(body_len);
        let body = format!(r#"{{"code":99991400,"msg":"request trigger frequency limit {msg}"}}"#);
        raw.push_str(&body);

        prop_assert!(http::looks_raw(&raw));
        let r = http::parse(&raw).unwrap();
        prop_assert_eq!(r.status, 429);
        prop_assert_eq!(r.body, body.as_str());
        let mut want: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.trim())).collect();
        let reset_text = reset.to_string();
        want.push((header::RATELIMIT_RESET, reset_text.as_str()));
        prop_assert_eq!(&r.headers, &want);

        let d = diagnose(Some(r.status), &r.headers, r.body.as_bytes());
        prop_assert_eq!(d.code, Some(99991400));
        // A header of the generated ones may name the reset header too: the first wins.
        let first_reset = r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(header::RATELIMIT_RESET));
        if first_reset.map(|(_, v)| *v) == Some(reset_text.as_str()) {
            prop_assert_eq!(d.retry_after_secs, Some(reset));
        }
    }
}
