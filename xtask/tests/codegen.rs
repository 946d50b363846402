//! The checked-in table is what codegen writes now, and codegen refuses incomplete data.

use xtask::codegen::{self, Semantics};

#[test]
fn checked_in_tables_are_fresh() {
    let root = codegen::workspace_root();
    let files = codegen::generate_files(&root).expect("codegen succeeds on the repository's data");
    assert_eq!(files.len(), 3, "the generic table, the API table and the search corpus");
    for (rel, generated) in files {
        let checked_in = std::fs::read_to_string(root.join(rel)).unwrap();
        assert!(
            generated == checked_in,
            "{rel} is stale: run `cargo xtask codegen` and commit the result"
        );
    }
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

mod api_pages {
    use xtask::codegen::Decision;
    use xtask::codegen::apis::{ApiSemantics, PageIn, RowIn, classify_api_rows};

    fn row(line: u32, code: u32, message: &str, advice: &str) -> RowIn {
        RowIn {
            line,
            status: Some(400),
            code,
            message: message.into(),
            advice: advice.into(),
            description: None,
            parent: None,
        }
    }

    fn pages() -> Vec<PageIn> {
        let page = |path: &str, rows| PageIn {
            path: path.into(),
            title: "t".into(),
            source_url: "u".into(),
            updated: "2025-01-01".into(),
            request: None,
            rows,
        };
        vec![
            page(
                "im-v1/a.md",
                vec![
                    row(10, 230001, "param is invalid", "参数错误"),
                    row(
                        11,
                        99991663,
                        "Invalid access token for authorization. Please make a request with token attached",
                        "x",
                    ),
                ],
            ),
            page(
                "docs/b.md",
                vec![
                    row(20, 1254045, "FieldNameNotFound", "字段名不存在"),
                    row(21, 1254099, "Unknown", "未知"),
                ],
            ),
        ]
    }

    fn sem(text: &str) -> Vec<(String, ApiSemantics)> {
        vec![("area.toml".into(), toml::from_str(text).unwrap())]
    }

    fn generic() -> (Vec<lark_errors_page::doc::Row>, Vec<Decision>) {
        let root = xtask::codegen::workspace_root();
        let g = xtask::codegen::generate_generic(&root).unwrap();
        (g.rows, g.decisions)
    }

    #[test]
    fn unclassified_rows_are_listed_as_page_and_line() {
        let (rows, decisions) = generic();
        let pairs: Vec<_> = rows.iter().zip(&decisions).collect();
        let s = sem(
            "[[rule]]\npages=['im-v1/']\nmessage=['param']\ncategory='invalid_request'\naction='fix_request'\nreason='r'\n",
        );
        let err = classify_api_rows(&pages(), &s, &pairs).unwrap_err().to_string();
        assert!(err.contains("2 per-API entries have no classification"), "{err}");
        assert!(err.contains("docs/b.md:20: 1254045"), "{err}");
        assert!(err.contains("docs/b.md:21: 1254099"), "{err}");
        // 99991663 reused the generic page's semantics, 230001 matched the rule.
        assert!(!err.contains("im-v1/a.md"), "{err}");
    }

    #[test]
    fn code_decisions_then_generic_reuse_then_rules() {
        let (rows, decisions) = generic();
        let pairs: Vec<_> = rows.iter().zip(&decisions).collect();
        let s = sem(r#"
            [[code]]
            code = 1254045
            message = "field name not found"
            pages = ["docs/"]
            category = "not_found"
            action = "fix_request"
            reason = "per code"

            [[rule]]
            pages = ["docs/", "im-v1/"]
            codes = [[1254000, 1254999], [230001, 230001]]
            category = "invalid_request"
            action = "fix_request"
            reason = "range"
        "#);
        let d = classify_api_rows(&pages(), &s, &pairs).unwrap();
        assert_eq!(d[0][0].reason, "range");
        assert!(d[0][1].reason.starts_with("as on the generic page: "), "{}", d[0][1].reason);
        assert_eq!(d[0][1].action.as_str(), "refresh_token");
        assert_eq!((d[1][0].category.as_str(), d[1][0].reason.as_str()), ("not_found", "per code"));
        assert_eq!(d[1][1].reason, "range");
        assert_eq!(d[1][1].http_status, Some(400));
    }

    #[test]
    fn unknown_words_catch_alls_and_stale_decisions_fail() {
        let (rows, decisions) = generic();
        let pairs: Vec<_> = rows.iter().zip(&decisions).collect();
        let all =
            "[[rule]]\ncodes=[[0, 4000000000]]\ncategory='internal'\naction='retry'\nreason='r'\n";
        for (text, expected) in [
            (
                "[[rule]]\ncodes=[[0, 4000000000]]\ncategory='oops'\naction='retry'\nreason='r'\n",
                "unknown Category `oops`",
            ),
            (
                "[[rule]]\npages=['docs/']\nstatus=[400]\ncategory='internal'\naction='retry'\nreason='r'\n",
                "catch-all",
            ),
            (
                &format!(
                    "[[code]]\ncode=777\ncategory='internal'\naction='retry'\nreason='r'\n{all}"
                ),
                "stale [[code]] 777",
            ),
        ] {
            let err = classify_api_rows(&pages(), &sem(text), &pairs).unwrap_err().to_string();
            assert!(err.contains(expected), "{expected:?} not in {err}");
        }
    }

    #[test]
    fn a_decision_may_name_the_chinese_description_of_a_two_message_table() {
        let (rows, decisions) = generic();
        let pairs: Vec<_> = rows.iter().zip(&decisions).collect();
        let mut r = row(13, 800022902, "dimension lacked", "");
        r.description = Some("维度缺失".into());
        let page = PageIn {
            path: "corehr-v1/w.md".into(),
            title: "t".into(),
            source_url: "u".into(),
            updated: "2025-01-01".into(),
            request: None,
            rows: vec![r],
        };
        let s = sem(
            "[[code]]\ncode=800022902\nmessage='维度缺失'\ncategory='invalid_request'\naction='fix_request'\nreason='zh'\n",
        );
        let d = classify_api_rows(std::slice::from_ref(&page), &s, &pairs).unwrap();
        assert_eq!(d[0][0].reason, "zh");
        let s = sem(
            "[[rule]]\nmessage=['缺失']\ncategory='invalid_request'\naction='fix_request'\nreason='rule'\n",
        );
        assert_eq!(classify_api_rows(&[page], &s, &pairs).unwrap()[0][0].reason, "rule");
    }

    #[test]
    fn template_paths_drop_host_and_query_and_write_params_with_a_colon() {
        use xtask::codegen::apis::template_path;
        assert_eq!(
            template_path("https://open.feishu.cn/open-apis/im/v1/messages/:message_id"),
            "/open-apis/im/v1/messages/:message_id"
        );
        assert_eq!(
            template_path(
                "https://open.feishu.cn/open-apis/authen/v1/index?redirect_uri={REDIRECT_URI}"
            ),
            "/open-apis/authen/v1/index"
        );
        assert_eq!(
            template_path("https://open.feishu.cn/open-apis/x/{id}/y/"),
            "/open-apis/x/:id/y"
        );
    }
}
