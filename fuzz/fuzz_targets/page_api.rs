//! The parser of the platform's server-API reference pages
//! (`lark_errors_page::api::parse_api_page`), and its cell parsers.
//!
//! Input: the page (invalid UTF-8 replaced).
//!
//! Properties:
//! - the page keeps the path it was given, and nothing else depends on the path;
//! - problems are sorted and name lines of the page, and display with the path;
//! - error rows are in document order, each starting on a line of the page that holds
//!   its code, with a non-empty message and, where given, a status of 100-599;
//! - a date is a calendar date; the request table is on a line of the page; every
//!   scope has a well-formed id;
//! - `RateLimitSpec::parse` and `Scope::parse` take any cell of the page.
#![no_main]

use lark_errors_page::api::{RateLimitSpec, Scope, parse_api_page};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "im-v1/message/create.md";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let page = parse_api_page(PATH, &text);
    assert_eq!(page.path, PATH);
    let mut elsewhere = parse_api_page("other.md", &text);
    elsewhere.path = PATH.to_owned();
    assert_eq!(elsewhere, page, "the result depends on the path");

    let lines: Vec<&str> = text.split('\n').collect();
    assert!(page.problems.windows(2).all(|w| w[0].line <= w[1].line), "problems not sorted");
    for (p, shown) in page.problems.iter().zip(page.problem_lines()) {
        assert!(
            (1..=lines.len()).contains(&p.line),
            "problem on line {} of {}",
            p.line,
            lines.len()
        );
        assert!(shown.starts_with(&format!("{PATH}:{}: ", p.line)), "{shown}");
        assert!(!p.kind.to_string().is_empty());
    }
    assert!(page.errors.windows(2).all(|w| w[0].line < w[1].line), "rows out of document order");
    for row in &page.errors {
        let line = lines.get(row.line.wrapping_sub(1)).expect("row on a line of the page");
        assert!(line.contains(&row.code.to_string()), "line {} lacks code {}", row.line, row.code);
        assert!(!row.message.trim().is_empty(), "line {}: empty message", row.line);
        if let Some(status) = row.http_status {
            assert!((100..=599).contains(&status), "line {}: status {status}", row.line);
        }
    }
    if let Some(d) = page.updated {
        assert!((1..=12).contains(&d.month) && (1..=31).contains(&d.day), "date {d:?}");
    }
    if let Some(request) = &page.request {
        assert!((1..=lines.len()).contains(&request.line));
        for scope in request.scopes.iter().chain(&request.field_scopes) {
            assert!(!scope.id.is_empty() && !scope.id.contains(char::is_whitespace), "{scope:?}");
        }
    }

    for line in lines.iter().take(256) {
        for cell in line.split('|') {
            let _ = RateLimitSpec::parse(cell);
            if let Some(scope) = Scope::parse(cell) {
                assert!(!scope.id.is_empty() && !scope.name.is_empty(), "{scope:?}");
                assert!(cell.contains(scope.id.as_str()), "{scope:?} from {cell:?}");
            }
        }
    }
});
