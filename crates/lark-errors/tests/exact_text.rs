//! The generated catalog holds every row of the vendored pages byte for byte.
//!
//! The expected rows come from a deliberately naive, independent reading of the
//! vendored markdown (split on ` | `, continuation lines appended), not from
//! `lark_errors_page::doc` and not from the generated table.

use std::collections::BTreeSet;

const ZH: &str = include_str!("../../../data/sources/feishu-generic-error-code.zh.2025-08-20.md");
const EN: &str =
    include_str!("../../../data/sources/larksuite-server-error-codes.en.2022-03-03.md");

#[derive(Debug)]
struct NaiveRow {
    line: usize,
    code: u32,
    message: String,
    advice: String,
}

/// Rows of the bare-style Chinese page: a line `<digits> | msg | advice` starts a row;
/// every following line that does not start one belongs to its advice.
fn naive_zh() -> Vec<NaiveRow> {
    let mut rows: Vec<NaiveRow> = Vec::new();
    let mut in_table = false;
    for (i, line) in ZH.lines().enumerate() {
        if line.starts_with("--- | ---") {
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        let starts_row = line
            .split_once(" | ")
            .is_some_and(|(code, _)| !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()));
        if starts_row {
            let (code, rest) = line.split_once(" | ").unwrap();
            let (message, advice) = rest.split_once(" | ").unwrap();
            rows.push(NaiveRow {
                line: i + 1,
                code: code.parse().unwrap(),
                message: message.trim().to_owned(),
                advice: advice.trim().to_owned(),
            });
        } else {
            let row = rows.last_mut().expect("continuation before the first row");
            row.advice.push('\n');
            row.advice.push_str(line.trim_end());
        }
    }
    rows
}

/// Rows of the pipe-bordered English page: every line `| <digits> | ... |`.
fn naive_en() -> Vec<(u32, String, String)> {
    EN.lines()
        .filter_map(|line| {
            let inner = line.strip_prefix("| ")?.strip_suffix(" |")?;
            let mut cells = inner.splitn(3, " | ");
            let code = cells.next()?.parse().ok()?;
            Some((code, cells.next()?.trim().to_owned(), cells.next()?.trim().to_owned()))
        })
        .collect()
}

#[test]
fn every_row_of_the_chinese_page_is_in_the_catalog_exactly() {
    let rows = naive_zh();
    assert_eq!(rows.len(), 553, "the 2025 page has 553 rows");
    let mut by_line: Vec<&lark_errors::Entry> = lark_errors::entries().iter().collect();
    by_line.sort_by_key(|e| e.line());
    assert_eq!(by_line.len(), rows.len());
    for (row, entry) in rows.iter().zip(by_line) {
        assert_eq!(entry.line() as usize, row.line);
        assert_eq!(entry.code(), row.code, "line {}", row.line);
        assert_eq!(entry.message(), row.message, "message of {} (line {})", row.code, row.line);
        assert_eq!(entry.advice_zh(), row.advice, "advice of {} (line {})", row.code, row.line);
        assert_eq!(entry.source().file, "feishu-generic-error-code.zh.2025-08-20.md");
    }
}

#[test]
fn distinct_codes_and_duplicates() {
    let rows = naive_zh();
    let distinct: BTreeSet<u32> = rows.iter().map(|r| r.code).collect();
    assert_eq!(distinct.len(), 549);
    let duplicated: Vec<u32> = distinct
        .iter()
        .copied()
        .filter(|c| rows.iter().filter(|r| r.code == *c).count() > 1)
        .collect();
    assert_eq!(duplicated, [40001, 40003, 40008, 99992364]);
    for code in duplicated {
        let naive: Vec<&str> =
            rows.iter().filter(|r| r.code == code).map(|r| r.message.as_str()).collect();
        let entries: Vec<&str> = lark_errors::lookup(code).iter().map(|e| e.message()).collect();
        assert_eq!(entries, naive, "{code}: both entries, in document order");
    }
}

/// Case, whitespace and punctuation do not count when pairing the two pages.
fn key(message: &str) -> String {
    message
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '%')
        .flat_map(char::to_lowercase)
        .collect()
}

#[test]
fn english_advice_only_where_the_english_page_has_the_same_code_and_message() {
    let en = naive_en();
    let mut with_english = 0;
    for entry in lark_errors::entries() {
        let same: Vec<&(u32, String, String)> = en
            .iter()
            .filter(|(c, m, _)| *c == entry.code() && key(m) == key(entry.message()))
            .collect();
        match entry.english() {
            Some(english) => {
                with_english += 1;
                assert!(
                    same.iter().any(|(_, m, a)| m == english.message() && a == english.advice()),
                    "{entry}: English text must come from a row with the same code and message"
                );
                assert_eq!(entry.advice_en(), Some(english.advice()));
                assert_eq!(english.source().file, "larksuite-server-error-codes.en.2022-03-03.md");
                // The row is on the line it names.
                let line = EN.lines().nth(english.line() as usize - 1).unwrap_or("");
                assert!(
                    line.starts_with(&format!("| {} | {}", entry.code(), english.message())),
                    "{entry}: line {} of the English page is {line:?}",
                    english.line()
                );
            }
            None => assert!(
                same.is_empty(),
                "{entry}: the English page has it, but it was not attached"
            ),
        }
    }
    // The README states this number; it is computed here independently.
    let expected = lark_errors::entries()
        .iter()
        .filter(|e| en.iter().any(|(c, m, _)| *c == e.code() && key(m) == key(e.message())))
        .count();
    assert_eq!(with_english, expected);
    assert_eq!(with_english, 516, "update the README's count when this changes");
}

#[test]
fn sources_carry_their_metadata() {
    let sources = lark_errors::sources();
    assert_eq!(sources[0].updated, "2025-08-20");
    assert_eq!(sources[0].title, "通用错误码");
    assert_eq!(
        sources[0].url,
        "https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code"
    );
    assert_eq!(sources[1].updated, "2022-03-03");
    assert_eq!(sources[1].language, lark_errors::Language::En);
}

#[test]
fn links_are_the_advice_links_without_images() {
    for entry in lark_errors::entries() {
        let naive: Vec<(&str, &str)> = naive_links(entry.advice_zh());
        let got: Vec<(&str, &str)> = entry.links().iter().map(|l| (l.text, l.url)).collect();
        assert_eq!(got, naive, "{entry}");
    }
}

/// `[text](url)` not preceded by `!`, with a simple scan.
fn naive_links(md: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = md[i..].find('[').map(|o| o + i) {
        let Some(mid) = md[open..].find("](").map(|m| m + open) else { break };
        let Some(close) = md[mid..].find(')').map(|c| c + mid) else { break };
        let text = &md[open + 1..mid];
        if text.contains(['[', ']']) {
            i = open + 1;
            continue;
        }
        if !md[..open].ends_with('!') {
            out.push((text.trim(), md[mid + 2..close].trim()));
        }
        i = close + 1;
    }
    out
}
