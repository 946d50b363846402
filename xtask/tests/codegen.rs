//! The checked-in table is what codegen writes now, and codegen refuses incomplete data.

use xtask::codegen::{self, Semantics};

#[test]
fn checked_in_table_is_fresh() {
    let root = codegen::workspace_root();
    let generated = codegen::generate(&root).expect("codegen succeeds on the repository's data");
    let checked_in = std::fs::read_to_string(root.join(codegen::TABLE_PATH)).unwrap();
    assert!(
        generated == checked_in,
        "{} is stale: run `cargo xtask codegen` and commit the result",
        codegen::TABLE_PATH
    );
}

fn rows(page: &str) -> Vec<lark_errors_page::doc::Row> {
    lark_errors_page::doc::Document::parse(page).unwrap().rows
}

const PAGE: &str =
    "a | b | c\n--- | --- | ---\n600 | expired | 稍后再试\n700 | new code | 新错误\n";

#[test]
fn unclassified_entries_fail_codegen_with_their_lines() {
    let semantics: Semantics = toml::from_str(
        r#"
        [[code]]
        code = 600
        category = "unavailable"
        action = "retry"
        reason = "loading"
        "#,
    )
    .unwrap();
    let err = codegen::classify(&rows(PAGE), &semantics, "page.md").unwrap_err().to_string();
    assert!(err.contains("1 entry has no classification"), "{err}");
    assert!(err.contains("page.md:4: 700 | new code"), "{err}");
}

#[test]
fn per_code_decisions_beat_rules_and_rules_go_in_order() {
    let semantics: Semantics = toml::from_str(
        r#"
        [[code]]
        code = 700
        category = "conflict"
        action = "retry_serially"
        reason = "per code"

        [[rule]]
        name = "first"
        reason = "first rule"
        advice = ["稍后"]
        category = "unavailable"
        action = "retry"

        [[rule]]
        name = "second"
        reason = "never reached for 600"
        codes = ["0-1000"]
        category = "internal"
        action = "contact_support"
        "#,
    )
    .unwrap();
    let d = codegen::classify(&rows(PAGE), &semantics, "page.md").unwrap();
    assert_eq!((d[0].category.as_str(), d[0].reason.as_str()), ("unavailable", "first rule"));
    assert_eq!((d[1].action.as_str(), d[1].reason.as_str()), ("retry_serially", "per code"));
}

#[test]
fn bad_words_catch_alls_and_stray_codes_are_errors() {
    for (toml_text, expected) in [
        (
            "[[rule]]\nname='x'\nreason='r'\ncategory='oops'\naction='retry'\ncodes=['600']\n[[rule]]\nname='y'\nreason='r'\ncategory='internal'\naction='retry'\ncodes=['700']",
            "unknown Category `oops`",
        ),
        ("[[rule]]\nname='x'\nreason='r'\ncategory='internal'\naction='retry'", "no matcher"),
        (
            "[[code]]\ncode=999\ncategory='internal'\naction='retry'\nreason='r'\n[[rule]]\nname='all'\nreason='r'\ncodes=['0-1000']\ncategory='internal'\naction='retry'",
            "matches no entry",
        ),
    ] {
        let semantics: Semantics = toml::from_str(toml_text).unwrap();
        let err = codegen::classify(&rows(PAGE), &semantics, "page.md").unwrap_err().to_string();
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
}
