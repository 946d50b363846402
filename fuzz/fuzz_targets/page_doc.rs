//! The parser of the platform's error-code page (`doc::Document`), its links and dates.
//!
//! Input: the page (invalid UTF-8 replaced).
//!
//! Properties:
//! - `parse` fails exactly when `parse_lenient` finds a problem, with the first one,
//!   and otherwise gives the same document;
//! - problems are sorted and name lines of the page; rows are in document order, each
//!   on a line of the page that holds its code and message; messages are trimmed and
//!   non-empty, advice has no trailing whitespace; a date is a calendar date;
//! - `diff::check` counts what `parse_lenient` found;
//! - every link's text and URL are text of the page, the URL without whitespace;
//! - each row's message, as a template, matches its own filled form from the start.
#![no_main]

use lark_errors::template::{MatchQuality, Template};
use lark_errors_page::diff;
use lark_errors_page::doc::{self, Date, Document};
use libfuzzer_sys::fuzz_target;

/// Live messages are matched on their first 4 KiB (the library's crate-private
/// `template::MAX_MATCH_LEN`).
const MAX_MATCH_LEN: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (doc, problems) = Document::parse_lenient(&text);
    match Document::parse(&text) {
        Ok(strict) => {
            assert!(problems.is_empty(), "parse succeeded but lenient found {problems:?}");
            assert_eq!(strict, doc);
        }
        Err(e) => {
            assert_eq!(problems.first(), Some(&e), "parse's error is not the first problem");
            assert!(!e.to_string().is_empty());
        }
    }

    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    assert!(problems.windows(2).all(|w| w[0].line <= w[1].line), "problems not sorted");
    for p in &problems {
        assert!(
            (1..=lines.len()).contains(&p.line),
            "problem on line {} of {}",
            p.line,
            lines.len()
        );
    }
    assert!(doc.rows.windows(2).all(|w| w[0].line < w[1].line), "rows out of document order");
    for row in &doc.rows {
        let line = lines.get(row.line.wrapping_sub(1)).expect("row on a line of the page");
        assert!(line.contains(&row.code.to_string()), "line {} lacks code {}", row.line, row.code);
        assert!(line.contains(row.message.as_str()), "line {} lacks its message", row.line);
        assert!(!row.message.is_empty() && row.message.trim() == row.message);
        assert_eq!(row.advice.trim_end(), row.advice, "advice of line {}", row.line);
    }
    if let Some(d) = doc.metadata.updated {
        assert!((1..=12).contains(&d.month) && (1..=31).contains(&d.day), "date {d:?}");
    }

    let report = diff::check(&text);
    assert_eq!(report.summary.rows, doc.rows.len());
    assert_eq!(report.problems.len(), problems.len());
    assert_eq!(report.is_clean(), problems.is_empty());

    for link in doc::links(&text) {
        assert!(text.contains(link.text) && text.contains(link.url), "{link:?}");
        assert!(!link.url.is_empty() && !link.url.contains(char::is_whitespace), "{link:?}");
    }
    for line in lines.iter().take(64) {
        let head = line.get(..10).unwrap_or(line);
        if let Some(date) = Date::parse(head) {
            assert_eq!(date.to_string(), head.replace('/', "-"));
        }
    }

    for row in doc.rows.iter().take(64) {
        let t = Template::new(&row.message);
        let values: Vec<String> = (0..t.placeholders().len()).map(|i| format!("v{i}")).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let filled = t.fill(&values);
        if filled.len() > MAX_MATCH_LEN || !row.message.chars().any(char::is_alphanumeric) {
            continue;
        }
        let m = t.matches(&filled);
        assert!(
            m.as_ref().is_some_and(|m| m.quality >= MatchQuality::Prefix),
            "{:?} vs its filled form {filled:?}: {m:?}",
            row.message
        );
    }
});
