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
