//! `larkerr::request::parse_api`: the `--api 'METHOD URL'` argument of `explain` and
//! `classify` (and `larkerr api METHOD URL`), routed by the library.
//!
//! Input: the argument (invalid UTF-8 replaced).
//!
//! Properties:
//! - an API found is of the method given and what `route` finds for the URL; without a
//!   method, one of the path's APIs (`route_candidates`), which share one method;
//! - the API printed (`METHOD /template`) parses back to the same API;
//! - a refusal is a non-empty message, on one line unless the input has several, at
//!   most twice as long as the input and the words around it.
#![no_main]

use lark_errors::catalog::Method;
use larkerr::request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let t = text.trim();
    let given = t.split_once(char::is_whitespace).and_then(|(m, _)| m.parse::<Method>().ok());
    match request::parse_api(&text) {
        Ok(api) => {
            match given {
                Some(m) => {
                    assert_eq!(api.method(), m, "{api} for {t:?}");
                    let url = t.split_once(char::is_whitespace).map_or("", |(_, u)| u.trim());
                    let routed = lark_errors::route(m, url).expect("routed");
                    assert!(std::ptr::eq(routed, api), "{api} is not what route finds: {routed}");
                }
                None => {
                    let candidates = lark_errors::route_candidates(t);
                    assert!(candidates.iter().any(|a| std::ptr::eq(*a, api)), "{api} for {t:?}");
                    assert!(candidates.iter().all(|a| a.method() == api.method()), "{t:?}");
                }
            }
            let again = request::parse_api(&api.to_string())
                .unwrap_or_else(|e| panic!("{api} does not parse back: {e}"));
            assert!(std::ptr::eq(again, api), "{api} parses back as {again}");
        }
        Err(e) => {
            assert!(!e.is_empty() && !e.trim().is_empty(), "an empty refusal for {t:?}");
            // The input is shown cut to 80 columns, and the suggestion `METHOD URL`
            // repeats the URL whole: at most twice the input, and the words.
            assert!(e.len() <= 2 * t.len() + 400, "a refusal of {} bytes: {e}", e.len());
            assert!(!e.contains('\n') || t.contains('\n'), "a refusal of two lines: {e}");
        }
    }
});
