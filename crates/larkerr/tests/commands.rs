//! Every command and option of `larkerr` except `classify` (see classify.rs) and bad
//! input (see bad_input.rs), run as the real binary.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::{assert_valid, entries_validator, larkerr, ok, parse_csv, run, search_validator};
use insta::assert_snapshot;
use lark_errors::{Action, Category, TokenKind};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("valid JSON")
}

/// The codes of entry objects (search results that are APIs have none).
fn codes(value: &Value) -> Vec<u64> {
    value.as_array().unwrap().iter().filter_map(|e| e["code"].as_u64()).collect()
}

// --- explain ---------------------------------------------------------------------

/// A duplicated code, a templated one, a long multi-line advice without English, a
/// scope error without English, and a rate limit with English advice.
const REPRESENTATIVE: [&str; 5] = ["40001", "99991401", "99991663", "99991672", "99991400"];

#[test]
fn explain_human_snapshots() {
    for code in REPRESENTATIVE {
        assert_snapshot!(format!("explain_{code}"), ok(&["explain", code]));
    }
}

#[test]
fn explain_json_snapshots_and_schema() {
    let validator = entries_validator();
    for code in REPRESENTATIVE {
        let out = ok(&["explain", "--json", code]);
        assert_snapshot!(format!("explain_{code}_json"), out);
        assert_valid(&validator, &serde_json::from_str(&out).unwrap());
    }
}

#[test]
fn explain_lang_chooses_the_advice_and_falls_back_to_chinese() {
    // Default: English where it exists.
    let en = ok(&["explain", "99991400"]);
    assert!(en.contains("advice     (en)") && en.contains("Requests are too frequent"), "{en}");
    let zh = ok(&["explain", "--lang", "zh", "99991400"]);
    assert!(zh.contains("advice     (zh)") && zh.contains("请求过于频繁"), "{zh}");
    // No English: Chinese, said so when English was asked for.
    let fallback = ok(&["explain", "--lang", "en", "99991663"]);
    assert!(fallback.contains("no English advice"), "{fallback}");
    assert_snapshot!("explain_99991663_lang_en", fallback);
    // The message is shown as documented either way.
    assert!(zh.starts_with("99991400  request trigger frequency limit\n"));
}

#[test]
fn explain_shows_every_entry_of_a_duplicated_code() {
    let out = ok(&["explain", "40001"]);
    assert!(out.contains("1 of 2") && out.contains("2 of 2"), "{out}");
    // The generic page's two entries first; the API pages' entries after them.
    let value = json(&["explain", "--json", "40001"]);
    let generic: Vec<&Value> =
        value.as_array().unwrap().iter().take_while(|e| e.get("api").is_none()).collect();
    assert_eq!(generic.len(), 2);
    assert_eq!(codes(&value).len(), 2 + lark_errors::catalog::lookup_apis(40001).len());
}

#[test]
fn explain_words_for_people() {
    let out = ok(&["explain", "99991663"]);
    assert!(out.contains("refresh the tenant_access_token and retry once"), "{out}");
    assert!(out.contains("token      tenant_access_token"), "{out}");
    let out = ok(&["explain", "99991400"]);
    assert!(out.contains("wait for the rate limit to reset, then retry"), "{out}");
}

#[test]
fn explain_many_codes_with_an_unknown_one() {
    let r = run(&["explain", "99991400", "12345", "40001"], None);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "larkerr: 12345 is not a documented error code\n");
    assert!(r.stdout.contains("99991400") && r.stdout.contains("40001"));
    let r = run(&["explain", "--json", "12345"], None);
    assert_eq!((r.code, r.stdout.trim()), (1, "[]"));
}

#[test]
fn explain_json_of_every_code_satisfies_the_schema() {
    let all: Vec<String> = lark_errors::entries().iter().map(|e| e.code().to_string()).collect();
    let mut args = vec!["explain", "--json"];
    args.extend(all.iter().map(String::as_str));
    let value = json(&args);
    // Duplicated codes are given twice and explained (both entries) each time.
    assert!(value.as_array().unwrap().len() >= lark_errors::entries().len());
    assert_valid(&entries_validator(), &value);
}

#[test]
fn explain_every_code_renders_within_the_width() {
    // Only URLs (never split) may be wider than the terminal.
    for width in ["40", "80", "120"] {
        let mut args = vec!["explain", "--width", width];
        let all: Vec<String> =
            lark_errors::entries().iter().map(|e| e.code().to_string()).collect();
        args.extend(all.iter().map(String::as_str));
        let out = ok(&args);
        let w: usize = width.parse().unwrap();
        for line in out.lines() {
            if larkerr::render::width(line) > w {
                // ... and a single word too long for its indented line (a long
                // identifier deep in a list): the line is then that word alone,
                // after its label if any (labels end with two spaces).
                let alone = !line.trim().rsplit("  ").next().unwrap_or("").contains(' ');
                assert!(line.contains("://") || alone, "wider than {w}: {line:?}");
            }
        }
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let ansi = |r: &str| r.contains('\u{1b}');
    assert!(!ansi(&ok(&["explain", "99991663"])), "NO_COLOR and a pipe: no colour");
    let forced = ok(&["explain", "--color", "always", "99991663"]);
    assert!(ansi(&forced));
    // **bold** in the advice is bold, not asterisks.
    assert!(forced.contains("\u{1b}[1m请求头"), "{forced}");
    let out = larkerr()
        .args(["--color", "never", "explain", "99991663"])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!ansi(&String::from_utf8(out.stdout).unwrap()));
    // Without NO_COLOR or a flag, a pipe still gets no colour.
    let out = larkerr().args(["explain", "99991663"]).env_remove("NO_COLOR").output().unwrap();
    assert!(!ansi(&String::from_utf8(out.stdout).unwrap()));
}

#[test]
fn markdown_is_rendered_for_a_terminal() {
    let out = ok(&["explain", "99991663"]);
    assert!(!out.contains("**"), "bold markers are rendered, not shown");
    assert!(out.contains("[image] https://sf3-cn.feishucdn.com/"), "images are a short line");
    assert!(
        out.contains("API 调试台 (https://open.feishu.cn/api-explorer?from=op_doc_tab)"),
        "links are text plus URL"
    );
    assert!(out.contains("    • 如果 API 不支持") && out.contains("      • 使用 API 调试台时"));
    let out = ok(&["explain", "99991401", "--lang", "zh"]);
    assert!(out.contains("`curl ifconfig.me`"), "inline code is marked");
}

#[test]
fn width_follows_the_option_then_columns() {
    let narrow = larkerr().args(["explain", "99991400"]).env("COLUMNS", "40").output().unwrap();
    let narrow = String::from_utf8(narrow.stdout).unwrap();
    let option = ok(&["--width", "40", "explain", "99991400"]);
    assert_eq!(narrow, option);
    assert_ne!(option, ok(&["explain", "99991400"]));
}

// --- search ----------------------------------------------------------------------

#[test]
fn search_a_code_prefix_lists_the_family_first_in_code_order() {
    let family: Vec<u64> = lark_errors::entries()
        .iter()
        .filter(|e| e.code().to_string().starts_with("9999"))
        .map(|e| u64::from(e.code()))
        .collect();
    let found = codes(&json(&["search", "9999", "--json", "--limit", "0"]));
    assert_eq!(&found[..family.len()], family.as_slice());
    let r = run(&["search", "9999", "--limit", "5"], None);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("showing 5 of"), "{}", r.stderr);
    assert_snapshot!("search_9999_limit_5", r.stdout);
}

#[test]
fn search_chinese_and_english_case_insensitively() {
    let rate = json(&["search", "频率", "--json", "--limit", "0"]);
    assert!(codes(&rate).contains(&1000004), "{rate}");
    let scope = codes(&json(&["search", "权限", "--json", "--limit", "0"]));
    assert!(scope.contains(&99991672) && scope.contains(&91403), "{scope:?}");
    assert_eq!(
        json(&["search", "FREQUENCY Limit", "--json", "-n", "0"]),
        json(&["search", "frequency limit", "--json", "-n", "0"])
    );
    assert_eq!(codes(&json(&["search", "frequency", "limit", "--json", "-n", "0"]))[0], 99991400);
    assert_eq!(codes(&json(&["search", "99991400", "--json", "-n", "0"]))[0], 99991400);
    assert_snapshot!("search_频率", run(&["search", "频率", "--limit", "5"], None).stdout);
    assert_snapshot!("search_权限", run(&["search", "权限", "--limit", "5"], None).stdout);
}

#[test]
fn search_limit_json_schema_and_no_hits() {
    let r = run(&["search", "token", "--json", "--limit", "3"], None);
    let value: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!((r.code, value.as_array().unwrap().len()), (0, 3));
    assert!(r.stderr.starts_with("larkerr: showing 3 of "), "{}", r.stderr);
    assert_valid(&search_validator(), &json(&["search", "token", "--json", "-n", "0"]));
    let r = run(&["search", "nothing-like-this-anywhere"], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(r.stderr, "larkerr: nothing matches `nothing-like-this-anywhere`\n");
    let r = run(&["search", "--json", "nothing-like-this-anywhere"], None);
    assert_eq!((r.code, r.stdout.trim()), (1, "[]"));
}

#[test]
fn search_ranks_by_meaning() {
    use lark_errors::platform::code;
    let rate = codes(&json(&["search", "rate", "limit", "--json", "-n", "0"]));
    assert_eq!(rate[0], u64::from(code::FREQUENCY_LIMIT), "{rate:?}");
    let expired = codes(&json(&["search", "token expired", "--json", "-n", "0"]));
    let expired = &expired[..5];
    for c in [code::INVALID_ACCESS_TOKEN, code::USER_ACCESS_TOKEN_EXPIRED] {
        assert!(expired.contains(&u64::from(c)), "{c} in the top 5: {expired:?}");
    }
    assert_snapshot!("search_rate_limit", run(&["search", "rate limit", "-n", "6"], None).stdout);
    assert_snapshot!(
        "search_token_expired",
        run(&["search", "token expired", "-n", "5"], None).stdout
    );
}

#[test]
fn search_covers_per_api_entries_grouped_with_their_apis() {
    // 1254018 is documented by many bitable pages, never on the generic page.
    let per_api = lark_errors::lookup_apis(1254018);
    assert!(lark_errors::lookup(1254018).is_empty() && per_api.len() > 1);
    let hits = json(&["search", "1254018", "--json", "-n", "0"]);
    assert_valid(&search_validator(), &hits);
    let hits = hits.as_array().unwrap();
    let mut messages: Vec<&str> = per_api.iter().map(|e| e.message()).collect();
    messages.sort_unstable();
    messages.dedup();
    let exact: Vec<&Value> = hits.iter().filter(|h| h["code"] == 1254018).collect();
    assert_eq!(exact.len(), messages.len(), "one result per distinct message");
    let apis: usize = exact.iter().map(|h| h["apis"].as_array().unwrap().len()).sum();
    assert_eq!(apis, per_api.iter().filter(|e| e.api().is_some()).count());
    assert!(exact.iter().all(|h| h["layer"] == "api" && h["kind"] == "entry"));
    assert_eq!(hits[0]["code"], 1254018, "the exact code first");
    let out = run(&["search", "1254018", "-n", "3"], None).stdout;
    let more = per_api.iter().filter(|e| e.api().is_some()).count() - 1;
    assert!(out.contains(&format!("and {more} more APIs")) || messages.len() > 1, "{out}");
    assert_snapshot!("search_1254018", out);
    // A code on both pages: the generic entry before the per-API ones.
    let hits = json(&["search", "99991400", "--json", "-n", "0"]);
    assert_eq!((&hits[0]["code"], &hits[0]["layer"]), (&Value::from(99991400), &"generic".into()));
}

#[test]
fn search_finds_api_titles_and_fits_80_columns() {
    let api = lark_errors::route(lark_errors::Method::Post, "/open-apis/im/v1/messages").unwrap();
    let hits = json(&["search", api.title(), "--json", "-n", "0"]);
    assert_valid(&search_validator(), &hits);
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "api" && h["path"] == api.path() && h["method"] == "POST"),
        "{hits}"
    );
    let out = run(&["search", api.title(), "-n", "5"], None).stdout;
    assert!(out.contains("API       POST /open-apis/im/v1/messages"), "{out}");
    assert_snapshot!("search_发送消息", out);
    for query in ["message", "权限", "1254", "rate limit", "token expired", "bot"] {
        let out = run(&["search", query, "-n", "0"], None).stdout;
        for line in out.lines() {
            assert!(larkerr::render::width(line) <= 80, "{query}: {line:?}");
        }
    }
}

// --- list ------------------------------------------------------------------------

#[test]
fn list_everything_as_a_table_json_and_csv() {
    let n = lark_errors::entries().len();
    assert_eq!(ok(&["list"]).lines().count(), n + 1, "a header and a row per entry");
    let all = json(&["list", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), n);
    assert_valid(&entries_validator(), &all);
    let records = parse_csv(&ok(&["list", "--csv"]));
    assert_eq!(records.len(), n + 1);
    assert_eq!(records[0][0], "code");
    assert!(records.iter().all(|r| r.len() == records[0].len()));
}

#[test]
fn list_filters_by_the_library_semantics() {
    for c in Category::ALL {
        let found = json(&["list", "--json", "--category", c.as_str()]);
        let expected = lark_errors::entries().iter().filter(|e| e.category() == *c).count();
        assert_eq!(found.as_array().unwrap().len(), expected, "{c}");
        assert!(found.as_array().unwrap().iter().all(|e| e["category"] == c.as_str()));
    }
    for a in Action::ALL {
        let expected = lark_errors::entries().iter().filter(|e| e.action() == *a).count();
        let r = run(&["list", "--json", "--action", a.as_str()], None);
        let found: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(found.as_array().unwrap().len(), expected, "{a}");
    }
    for t in TokenKind::ALL {
        let expected = lark_errors::entries().iter().filter(|e| e.token() == Some(*t)).count();
        let found = json(&["list", "--json", "--token", t.as_str()]);
        assert_eq!(found.as_array().unwrap().len(), expected, "{t}");
    }
    let yes = json(&["list", "--json", "--retryable"]);
    let no = json(&["list", "--json", "--retryable=false"]);
    assert!(yes.as_array().unwrap().iter().all(|e| e["retryable"] == true));
    assert!(no.as_array().unwrap().iter().all(|e| e["retryable"] == false));
    assert_eq!(
        yes.as_array().unwrap().len() + no.as_array().unwrap().len(),
        lark_errors::entries().len()
    );
    // Filters combine; a list of values is any of them.
    let both =
        json(&["list", "--json", "--category", "rate_limited,quota_exceeded", "--retryable"]);
    assert!(both.as_array().unwrap().iter().all(|e| e["category"] == "rate_limited"));
    assert_snapshot!("list_rate_limited", ok(&["list", "--category", "rate_limited"]));
    assert_snapshot!(
        "list_authentication_app_access_token_csv",
        ok(&["list", "--csv", "--category", "authentication", "--token", "app_access_token"])
            .replace("\r\n", "␍\n")
    );
}

#[test]
fn list_filters_by_api_area_and_status() {
    let api = lark_errors::route(lark_errors::Method::Post, "/open-apis/im/v1/messages").unwrap();
    let expected = lark_errors::api_entries()
        .iter()
        .filter(|e| e.api().is_some_and(|a| std::ptr::eq(a, api)))
        .count();
    for spec in [
        "POST /open-apis/im/v1/messages",
        "post https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=open_id",
    ] {
        let found = json(&["list", "--json", "--api", spec]);
        assert_eq!(found.as_array().unwrap().len(), expected, "{spec}");
        assert!(found.as_array().unwrap().iter().all(|e| e["api"]["path"] == api.path()));
        assert_valid(&entries_validator(), &found);
    }
    // A path alone: every method of its template.
    let any_method = json(&["list", "--json", "--api", "/open-apis/im/v1/messages"]);
    let methods: std::collections::BTreeSet<&str> = any_method
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["api"]["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods.into_iter().collect::<Vec<_>>(), ["GET", "POST"]);
    // Area and status, combined with the semantics filters.
    let im =
        json(&["list", "--json", "--area", "im", "--status", "400", "--action", "fix_request"]);
    let expected = lark_errors::api_entries()
        .iter()
        .filter(|e| {
            e.api().is_some_and(|a| a.area() == "im")
                && e.http_status() == Some(400)
                && e.action() == Action::FixRequest
        })
        .count();
    assert!(expected > 0);
    assert_eq!(im.as_array().unwrap().len(), expected);
    // --all: both layers; --status alone filters the generic page.
    let all = json(&["list", "--json", "--all"]);
    assert_eq!(
        all.as_array().unwrap().len(),
        lark_errors::entries().len() + lark_errors::api_entries().len()
    );
    let r429 = json(&["list", "--json", "--status", "429"]);
    let expected = lark_errors::entries().iter().filter(|e| e.http_status() == Some(429)).count();
    assert_eq!(r429.as_array().unwrap().len(), expected);
    // The table shows each API above its entries, with the status.
    let table =
        ok(&["list", "--api", "POST /open-apis/im/v1/messages", "--category", "permission"]);
    assert!(table.starts_with(&format!("{api}  {}\n", api.title())), "{table}");
    assert!(table.lines().nth(1).unwrap().contains("STATUS"), "{table}");
    assert_snapshot!("list_api_im_messages_permission", table);
    assert_snapshot!(
        "list_area_bitable_status_429",
        ok(&["list", "--area", "bitable", "--status", "429"])
    );
    // Bad values: one line, exit 2.
    for (args, says) in [
        (&["list", "--api", "GET /open-apis/no/such/api"][..], "no documented API matches"),
        (&["list", "--api", "FETCH /open-apis/im/v1/messages"], "unknown HTTP method"),
        (&["list", "--area", "nosucharea"], "no API is in area `nosucharea`"),
        (&["list", "--status", "42"], "--status"),
    ] {
        let r = run(args, None);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{args:?}");
        assert!(r.stderr.contains(says) && r.stderr.lines().count() == 1, "{}", r.stderr);
    }
}

#[test]
fn list_with_no_match_exits_1() {
    let r = run(&["list", "--token", "app_access_token", "--category", "conflict"], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(r.stderr, "larkerr: no entry matches these filters\n");
}

#[test]
fn list_into_a_closed_pipe_exits_quietly_with_status_141() {
    // `larkerr list --json | head -1`: the reader leaves after one line. Each output is
    // larger than a pipe's buffer, so the write fails: no message (the reader chose to
    // stop), but not success either: 141, what a shell shows for SIGPIPE.
    for args in [
        &["list", "--json"][..],
        &["list", "--csv"],
        &["export", "--format", "json"],
        &["export", "--format", "markdown"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_larkerr"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(141), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
}

// --- export ----------------------------------------------------------------------

#[test]
fn export_json_satisfies_the_schema() {
    let export = json(&["export", "--format", "json"]);
    let mut broken: Value;
    let validator = jsonschema::validator_for(&common::schema()).expect("the schema compiles");
    assert_valid(&validator, &export);
    assert_eq!(export["entries"].as_array().unwrap().len(), lark_errors::entries().len());
    assert_eq!(export["entries"], json(&["list", "--json"]));
    // The platform catalog: every API and every per-API entry, recounted.
    assert_eq!(export["apis"].as_array().unwrap().len(), lark_errors::apis().len());
    assert_eq!(export["api_entries"].as_array().unwrap().len(), lark_errors::api_entries().len());
    assert_eq!(
        export["api_sources"].as_array().unwrap().len(),
        lark_errors::catalog::api_pages().len()
    );
    let all = json(&["list", "--json", "--all"]);
    assert_eq!(
        all.as_array().unwrap()[lark_errors::entries().len()..],
        *export["api_entries"].as_array().unwrap()
    );
    let api = &export["apis"][0];
    let first = &lark_errors::apis()[0];
    assert_eq!((&api["path"], &api["area"]), (&first.path().into(), &first.area().into()));
    broken = export.clone();
    broken["apis"][0]["method"] = "TRACE".into();
    assert!(!validator.is_valid(&broken));
    broken = export.clone();
    broken["api_entries"][0]["api"] = serde_json::json!({"method": "GET"});
    assert!(!validator.is_valid(&broken));
    // The schema's vocabulary is the library's.
    let schema = common::schema();
    let words = |def: &str| -> Vec<String> {
        schema["$defs"][def]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(words("category"), Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    assert_eq!(words("action"), Action::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>());
    assert_eq!(words("token_kind"), TokenKind::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>());
    // And a broken document is caught.
    broken = export.clone();
    broken["entries"][0]["category"] = "throttled".into();
    assert!(!validator.is_valid(&broken));
    broken["entries"][0].as_object_mut().unwrap().remove("category");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn export_csv_is_the_list_csv() {
    let csv = ok(&["export", "--format", "csv"]);
    assert_eq!(csv, ok(&["list", "--csv", "--all"]));
    let records = parse_csv(&csv);
    assert_eq!(records[0], larkerr_csv_header());
    assert_eq!(records.len(), 1 + lark_errors::entries().len() + lark_errors::api_entries().len());
    assert!(records.iter().all(|r| r.len() == records[0].len()));
    // Per-API rows name their API; generic rows leave the API columns empty.
    let generic = &records[1];
    assert!(generic[14..].iter().all(String::is_empty), "{generic:?}");
    let e = &lark_errors::api_entries()[lark_errors::api_entries().len() - 1];
    let last = records.last().unwrap();
    assert_eq!(last[0], e.code().to_string());
    assert_eq!(last[15], e.api().map(|a| a.path()).unwrap_or(""));
    // The API table.
    let apis = parse_csv(&ok(&["export", "--format", "csv", "--table", "apis"]));
    assert_eq!(apis.len(), 1 + lark_errors::apis().len());
    assert_eq!(apis[0][..4], ["method", "path", "title", "area"]);
    assert!(apis.iter().all(|r| r.len() == apis[0].len()));
    let r = run(&["export", "--format", "json", "--table", "apis"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    // Multi-line advice survives quoting.
    let row = records.iter().find(|r| r[0] == "99991663").unwrap();
    assert_eq!(row[8], lark_errors::lookup(99991663)[0].advice_zh());
    assert_eq!(row[3], "authentication");
}

fn larkerr_csv_header() -> Vec<String> {
    [
        "code",
        "message",
        "placeholders",
        "category",
        "action",
        "retryable",
        "token",
        "http_status",
        "advice_zh",
        "advice_en",
        "links",
        "reason",
        "source_file",
        "source_line",
        "api_method",
        "api_path",
        "api_title",
        "parent_code",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn export_markdown_has_a_row_per_entry_and_api() {
    let md = ok(&["export", "--format", "markdown"]);
    let section = |name: &str| -> Vec<&str> {
        let start = md.find(&format!("\n## {name}\n")).unwrap_or_else(|| panic!("{name}"));
        let rest = &md[start + name.len() + 5..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        rest[..end].lines().filter(|l| l.starts_with("| ")).collect()
    };
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    for (name, rows) in [
        ("Entries", lark_errors::entries().len()),
        ("APIs", lark_errors::apis().len()),
        ("Per-API entries", lark_errors::api_entries().len()),
    ] {
        let lines = section(name);
        // A header, then a row per item; every row has the header's number of cells
        // (pipes in text are escaped).
        assert_eq!(lines.len(), rows + 1, "{name}");
        for line in &lines {
            assert_eq!(cells(line), cells(lines[0]), "{name}: {line}");
        }
    }
}

#[test]
fn the_readme_states_what_an_export_holds() {
    // The counts the README gives for the export are the catalog's.
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let claim = format!(
        "{} generic entries, {} APIs and {} per-API entries",
        lark_errors::entries().len(),
        common::thousands(lark_errors::apis().len() as u64),
        common::thousands(lark_errors::api_entries().len() as u64)
    );
    assert!(readme.contains(&claim), "the README says {claim:?}");
}

#[test]
fn export_to_a_file() {
    let dir = std::env::temp_dir().join(format!("larkerr-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for format in ["json", "csv", "markdown"] {
        let path = dir.join(format!("catalog.{format}"));
        let r = run(&["export", "--format", format, "-o", path.to_str().unwrap()], None);
        assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written, ok(&["export", "--format", format]), "{format}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- completions, help, version --------------------------------------------------

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = ok(&["completions", shell]);
        assert!(script.contains("larkerr") && script.contains("explain"), "{shell}");
        if shell != "powershell" {
            assert!(script.contains("rate_limited"), "{shell}: category values are completed");
        }
    }
}

#[test]
fn bash_completion_is_valid_bash() {
    let script = ok(&["completions", "bash"]);
    let Ok(out) = std::process::Command::new("bash").args(["-n", "-c", &script]).output() else {
        return; // no bash here
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn man_pages_render_for_every_command() {
    // What `cargo xtask man` writes, from the definition the binary parses.
    let dir = std::env::temp_dir().join(format!("larkerr-man-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    clap_mangen::generate_to(larkerr::command(), &dir).unwrap();
    let mut pages = vec!["larkerr.1".to_owned()];
    pages.extend(
        larkerr::command().get_subcommands().map(|c| format!("larkerr-{}.1", c.get_name())),
    );
    for page in pages {
        let text = std::fs::read_to_string(dir.join(&page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page} is a man page");
        assert!(text.contains("\\-\\-color"), "{page}: the global options are documented");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_and_version() {
    for args in [&["--help"][..], &["-h"], &["explain", "--help"], &["list", "--help"]] {
        let out = ok(args);
        assert!(out.contains("Usage: larkerr"), "{args:?}");
    }
    // Every flag is explained.
    for (command, flags) in [
        ("list", &["--api <API>", "--area <AREA>", "--status <STATUS>", "--all"][..]),
        ("export", &["--table <TABLE>"]),
        ("search", &["--limit <N>", "--json"]),
    ] {
        let help = ok(&[command, "--help"]);
        for flag in flags {
            let line = help.lines().find(|l| l.trim_start().contains(flag));
            let line = line.unwrap_or_else(|| panic!("{command} --help lacks {flag}:\n{help}"));
            let at = help.find(line).unwrap() + line.len();
            let next = help[at..].lines().nth(1).unwrap_or("");
            assert!(!next.trim().is_empty(), "{command} {flag} has help text");
        }
    }
    assert_eq!(ok(&["--version"]), format!("larkerr {}\n", env!("CARGO_PKG_VERSION")));
    for command in ["explain", "search", "list", "classify", "export", "completions"] {
        assert!(ok(&["--help"]).contains(command), "{command} is in the help");
    }
}
