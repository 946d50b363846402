//! The parsers read every vendored page as an independent, naive reading does.

use std::collections::BTreeSet;

const EN: &str =
    include_str!("../../../data/sources/larksuite-server-error-codes.en.2022-03-03.md");

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
fn the_english_page_parses_to_558_rows_of_549_codes() {
    let naive = naive_en();
    assert_eq!(naive.len(), 558);
    let doc = lark_errors_page::doc::Document::parse(EN).unwrap();
    assert_eq!(doc.style, lark_errors_page::doc::TableStyle::Bordered);
    assert_eq!(doc.metadata.language, lark_errors::Language::En);
    assert_eq!(doc.metadata.updated.unwrap().to_string(), "2022-03-03");
    assert_eq!(doc.rows.len(), naive.len());
    let distinct: BTreeSet<u32> = doc.rows.iter().map(|r| r.code).collect();
    assert_eq!(distinct.len(), 549);
    for (row, (code, message, advice)) in doc.rows.iter().zip(&naive) {
        assert_eq!((row.code, &row.message, &row.advice), (*code, message, advice));
    }
}
