//! Property tests: no input makes the page parsers panic.

use lark_errors_page::doc::Document;
use proptest::prelude::*;

fn markdownish() -> impl Strategy<Value = String> {
    // Biased toward table syntax so the interesting paths are reached.
    prop::collection::vec(
        prop_oneof![
            Just("|".to_owned()),
            Just(" | ".to_owned()),
            Just("\n".to_owned()),
            Just("---".to_owned()),
            Just("--- | --- | ---\n".to_owned()),
            Just("| --- | --- | --- |\n".to_owned()),
            Just("最后更新于 2025-08-20\n".to_owned()),
            "[0-9]{1,12}",
            "\\PC{0,12}",
            Just("- ".to_owned()),
            Just("[t](u)".to_owned()),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn doc_parser_never_panics(text in markdownish()) {
        let (doc, problems) = Document::parse_lenient(&text);
        prop_assert!(problems.windows(2).all(|w| w[0].line <= w[1].line));
        for row in &doc.rows {
            prop_assert!(row.line >= 1);
        }
        let _ = Document::parse(&text);
        let _ = lark_errors_page::doc::links(&text);
    }

    #[test]
    fn doc_parser_never_panics_on_any_string(text in "\\PC*") {
        let _ = Document::parse_lenient(&text);
    }
}

// Larger inputs (over 2 KB), fewer cases.
proptest! {
    #[test]
    fn doc_parser_never_panics_on_large_pages(parts in prop::collection::vec(markdownish(), 30..60)) {
        let text = parts.concat();
        prop_assume!(text.len() > 2048);
        let (doc, problems) = Document::parse_lenient(&text);
        prop_assert!(problems.windows(2).all(|w| w[0].line <= w[1].line));
        let lines = text.split('\n').count();
        prop_assert!(doc.rows.iter().all(|r| r.line >= 1 && r.line <= lines));
    }

    #[test]
    fn a_generated_page_of_n_rows_parses_to_n_rows_with_the_same_cells(
        rows in prop::collection::vec((any::<u32>(), "[a-z][a-z0-9 %]{0,30}[a-z]", "[a-z0-9\u{4e00}-\u{4e40}，。：/.][a-z0-9 \u{4e00}-\u{4e40}，。：/.]{0,60}"), 40..120),
        bordered in any::<bool>(),
    ) {
        let mut text = String::from("---\ntitle: t\n---\n");
        text.push_str(if bordered {
            "| 错误码 | 说明 | 排查建议 |\n| --- | --- | --- |\n"
        } else {
            "错误码 | 说明 | 排查建议\n--- | --- | ---\n"
        });
        for (code, message, advice) in &rows {
            if bordered {
                text.push_str(&format!("| {code} | {message} | {advice} |\n"));
            } else {
                text.push_str(&format!("{code} | {message} | {advice}\n"));
            }
        }
        prop_assume!(text.len() > 2048);
        let doc = Document::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(doc.rows.len(), rows.len());
        for (row, (code, message, advice)) in doc.rows.iter().zip(&rows) {
            prop_assert_eq!((row.code, row.message.as_str(), row.advice.as_str()), (*code, message.as_str(), advice.trim()));
        }
    }
}
