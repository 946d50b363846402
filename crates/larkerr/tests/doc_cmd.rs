//! `larkerr doc check` and `larkerr doc diff`, end to end.
//!
//! The numbers the diff reports for the two vendored pages are checked against an
//! independent count: a line-based reading of the two files done here, sharing no code
//! with the library's parser or comparison.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ZH: &str = "data/sources/feishu-generic-error-code.zh.2025-08-20.md";
const EN: &str = "data/sources/larksuite-server-error-codes.en.2022-03-03.md";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn vendored(rel: &str) -> String {
    workspace().join(rel).to_string_lossy().into_owned()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/doc")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn larkerr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_larkerr"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run larkerr")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Runs with `--json` and parses the output; the command must succeed.
fn diff_json(args: &[&str]) -> Value {
    let mut all = vec!["doc", "diff", "--json"];
    all.extend_from_slice(args);
    let o = larkerr(&all);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

fn len(v: &Value, key: &str) -> usize {
    v[key].as_array().unwrap_or_else(|| panic!("{key} is not an array")).len()
}

fn codes(v: &Value, key: &str) -> BTreeSet<u64> {
    v[key].as_array().unwrap().iter().map(|c| c["code"].as_u64().unwrap()).collect()
}

// ---------------------------------------------------------------- doc check

#[test]
fn check_vendored_pages_parse_cleanly() {
    for (file, title, date, language) in
        [(ZH, "通用错误码", "2025-08-20", "zh"), (EN, "Server Error Codes", "2022-03-03", "en")]
    {
        let path = vendored(file);
        let o = larkerr(&["doc", "check", &path]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stdout(&o));
        let out = stdout(&o);
        assert!(out.contains(title), "{out}");
        assert!(out.contains(date), "{out}");
        assert!(out.contains("problems     none"), "{out}");

        let rows = simple_rows(&std::fs::read_to_string(&path).unwrap());
        let o = larkerr(&["doc", "check", "--json", &path]);
        assert_eq!(o.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let s = &v["summary"];
        assert_eq!(s["language"], language);
        assert_eq!(s["rows"].as_u64().unwrap() as usize, rows.len());
        let counts = code_counts(&rows);
        assert_eq!(s["distinct_codes"].as_u64().unwrap() as usize, counts.len());
        let dups: Vec<u64> =
            counts.iter().filter(|(_, n)| **n > 1).map(|(c, _)| u64::from(*c)).collect();
        let reported: Vec<u64> = s["duplicated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_u64().unwrap())
            .collect();
        assert_eq!(reported, dups);
        let templated = rows.iter().filter(|(_, m)| m.contains("%v") || m.contains("%s")).count();
        assert_eq!(s["templated_messages"].as_u64().unwrap() as usize, templated);
        assert_eq!(v["problems"].as_array().unwrap().len(), 0);
    }
}

#[test]
fn check_reports_every_problem_with_its_line() {
    let path = fixture("broken.md");
    let o = larkerr(&["doc", "check", &path]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    for (line, what) in [
        (4, "table row outside the table"),
        (8, "code `abc` is not a decimal number"),
        (9, "row has 2 cells"),
        (13, "table row outside the table"),
    ] {
        assert!(out.contains(&format!("{path}:{line}: {what}")), "line {line} missing:\n{out}");
    }
    assert!(out.contains("problems     4"), "{out}");
    assert!(out.contains("800 (2 rows, lines 10, 11)"), "{out}");
    assert!(out.contains("templated    1 message"), "{out}");

    let o = larkerr(&["doc", "check", "--json", &path]);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<u64> =
        v["problems"].as_array().unwrap().iter().map(|p| p["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [4, 8, 9, 13]);
    assert_eq!(v["summary"]["rows"], 3);
}

#[test]
fn unreadable_file_is_one_line_and_exit_2() {
    let missing = fixture("no-such-page.md");
    for args in [
        vec!["doc", "check", missing.as_str()],
        vec!["doc", "diff", missing.as_str(), missing.as_str()],
        vec!["doc", "diff", "--builtin", missing.as_str()],
    ] {
        let o = larkerr(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("larkerr: {missing}: ")), "{err}");
        assert!(o.stdout.is_empty());
    }
}

// ---------------------------------------------------------------- doc diff, fixtures

#[test]
fn identical_pages_have_no_differences() {
    let base = fixture("base.md");
    let o = larkerr(&["doc", "diff", &base, &base]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("no differences"), "{}", stdout(&o));
}

#[test]
fn diff_reports_an_added_code() {
    let v = diff_json(&[&fixture("base.md"), &fixture("added.md")]);
    assert_eq!(codes(&v, "added"), BTreeSet::from([2000]));
    assert_eq!(v["added"][0]["rows"][0]["message"], "new error %v");
    assert_eq!(v["added"][0]["rows"][0]["advice"], "新增的错误，请检查参数");
    for key in ["removed", "message_changed", "advice_changed", "duplicates_gained", "cosmetic"] {
        assert_eq!(len(&v, key), 0, "{key}");
    }
    let out = stdout(&larkerr(&["doc", "diff", &fixture("base.md"), &fixture("added.md")]));
    assert!(out.contains("added (1 code)"), "{out}");
    assert!(out.contains("2000  new error %v"), "{out}");
}

#[test]
fn diff_reports_a_removed_code() {
    let v = diff_json(&[&fixture("base.md"), &fixture("removed.md")]);
    assert_eq!(codes(&v, "removed"), BTreeSet::from([1002]));
    assert_eq!(v["removed"][0]["rows"][0]["message"], "Failed");
    assert_eq!(len(&v, "added"), 0);
    assert_eq!(len(&v, "message_changed"), 0);
}

#[test]
fn diff_reports_a_changed_message_with_both_texts() {
    let v = diff_json(&[&fixture("base.md"), &fixture("message-changed.md")]);
    assert_eq!(len(&v, "message_changed"), 1);
    let m = &v["message_changed"][0];
    assert_eq!(
        (m["code"].as_u64(), &m["old"], &m["new"]),
        (Some(1500), &"internal error".into(), &"internal server error".into())
    );
    assert_eq!(len(&v, "cosmetic"), 0);
    let out =
        stdout(&larkerr(&["doc", "diff", &fixture("base.md"), &fixture("message-changed.md")]));
    assert!(out.contains("- internal error\n"), "{out}");
    assert!(out.contains("+ internal server error\n"), "{out}");
}

#[test]
fn diff_reports_changed_advice_with_a_word_diff() {
    let v = diff_json(&[&fixture("base.md"), &fixture("advice-changed.md")]);
    assert!(v["advice_compared"].as_bool().unwrap());
    assert_eq!(len(&v, "advice_changed"), 1);
    let a = &v["advice_changed"][0];
    assert_eq!(a["code"], 99991400);
    assert_eq!(a["old"], "请求频率超限，请稍后重试");
    assert_eq!(a["new"], "请求频率超限，请降低请求频率后重试");
    let words: Vec<(&str, &str)> = a["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["op"].as_str().unwrap(), w["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        words,
        [
            ("same", "请求频率超限，请"),
            ("removed", "稍"),
            ("added", "降低请求频率"),
            ("same", "后重试")
        ]
    );
    let out =
        stdout(&larkerr(&["doc", "diff", &fixture("base.md"), &fixture("advice-changed.md")]));
    assert!(out.contains("~ 请求频率超限，请[-稍-]{+降低请求频率+}后重试"), "{out}");
    assert!(out.contains("- 请求频率超限，请稍后重试"), "{out}");
}

#[test]
fn diff_reports_a_gained_duplicate() {
    let v = diff_json(&[&fixture("base.md"), &fixture("duplicate-gained.md")]);
    assert_eq!(len(&v, "duplicates_gained"), 1);
    let d = &v["duplicates_gained"][0];
    assert_eq!(
        (d["code"].as_u64(), d["old_count"].as_u64(), d["new_count"].as_u64()),
        (Some(40001), Some(1), Some(2))
    );
    assert_eq!(
        d["rows"][0]["message"],
        "market place app is not allowed to update user or department"
    );
    // The original 40001 row is paired by message, so nothing else changed.
    for key in
        ["added", "removed", "message_changed", "advice_changed", "duplicates_lost", "cosmetic"]
    {
        assert_eq!(len(&v, key), 0, "{key}");
    }
    // And the other way round it is a lost duplicate.
    let v = diff_json(&[&fixture("duplicate-gained.md"), &fixture("base.md")]);
    assert_eq!(codes(&v, "duplicates_lost"), BTreeSet::from([40001]));
    assert_eq!(len(&v, "duplicates_gained"), 0);
}

#[test]
fn cosmetic_only_changes_are_reported_apart() {
    let v = diff_json(&[&fixture("base.md"), &fixture("cosmetic.md")]);
    for key in [
        "added",
        "removed",
        "message_changed",
        "advice_changed",
        "duplicates_gained",
        "duplicates_lost",
    ] {
        assert_eq!(len(&v, key), 0, "{key}");
    }
    let got: Vec<(u64, &str, Vec<&str>)> = v["cosmetic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let kinds =
                c["kinds"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
            (c["code"].as_u64().unwrap(), c["field"].as_str().unwrap(), kinds)
        })
        .collect();
    assert_eq!(
        got,
        [
            (600, "advice", vec!["helpdesk_query"]),
            (1002, "message", vec!["case", "trailing_punctuation"]),
            (1500, "advice", vec!["whitespace"]),
            (40001, "advice", vec!["docs_host"]),
        ]
    );
    let out = stdout(&larkerr(&["doc", "diff", &fixture("base.md"), &fixture("cosmetic.md")]));
    assert!(out.contains("cosmetic only, not counted as changes (4 entries)"), "{out}");
    assert!(out.contains("0 added, 0 removed, 0 messages changed, 0 advice changed"), "{out}");
}

#[test]
fn across_languages_advice_is_not_compared_and_the_output_says_so() {
    let v = diff_json(&[&fixture("base.md"), &fixture("en.md")]);
    assert_eq!(v["advice_compared"], false);
    assert_eq!(v["old"]["language"], "zh");
    assert_eq!(v["new"]["language"], "en");
    assert_eq!(codes(&v, "removed"), BTreeSet::from([600]));
    assert_eq!(len(&v, "advice_changed"), 0);
    assert_eq!(len(&v, "cosmetic"), 0);
    let out = stdout(&larkerr(&["doc", "diff", &fixture("base.md"), &fixture("en.md")]));
    assert!(out.contains("only codes and messages are compared, not advice"), "{out}");
}

#[test]
fn diff_refuses_a_page_that_does_not_parse() {
    let o = larkerr(&["doc", "diff", &fixture("base.md"), &fixture("broken.md")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:8: code `abc`", fixture("broken.md"))), "{err}");
    assert!(err.contains("larkerr doc check"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("(4 problems)") && err.contains("; and 1 more;"), "{err}");
}

#[test]
fn diff_usage_errors_exit_2() {
    let base = fixture("base.md");
    for args in [vec!["doc", "diff", base.as_str()], vec!["doc", "diff", "--builtin", &base, &base]]
    {
        let o = larkerr(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with("larkerr: doc diff: "), "{}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    }
}

// ---------------------------------------------------------------- every failure is one line

/// Runs `larkerr` with assert_cmd and returns its stderr, asserting exit 2, nothing on
/// stdout (unless `stdout_ok`) and exactly one line on stderr starting `larkerr: `.
fn fails_in_one_line(args: &[&str], stdout_ok: bool) -> String {
    let assert = assert_cmd::Command::cargo_bin("larkerr")
        .unwrap()
        .args(args)
        .env("NO_COLOR", "1")
        .assert()
        .code(2);
    let out = assert.get_output();
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(stdout_ok || out.stdout.is_empty(), "{args:?}: stdout not empty");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("larkerr: "), "{args:?}: {err}");
    err
}

#[cfg(unix)]
#[test]
fn an_endless_input_fails_at_once_in_one_line() {
    for args in [
        vec!["doc", "check", "/dev/zero"],
        vec!["doc", "check", "--json", "/dev/zero"],
        vec!["doc", "diff", "--builtin", "/dev/zero"],
        vec!["doc", "diff", "/dev/zero", "/dev/zero"],
    ] {
        let err = fails_in_one_line(&args, false);
        assert!(err.contains("/dev/zero: larger than 8 MiB"), "{err}");
    }
    let base = fixture("base.md");
    let err = fails_in_one_line(&["doc", "diff", &base, "/dev/zero"], false);
    assert!(err.contains("/dev/zero: larger than"), "{err}");
}

#[test]
fn a_directory_or_binary_file_fails_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let err = fails_in_one_line(&["doc", "check", &path], false);
    assert!(err.starts_with(&format!("larkerr: {path}: ")), "{err}");
    let binary = dir.path().join("page.md");
    std::fs::write(&binary, b"a | b | c\n--- | --- | ---\n600 | \xff | x\n").unwrap();
    let binary = binary.to_string_lossy().into_owned();
    for args in [vec!["doc", "check", binary.as_str()], vec!["doc", "diff", "--builtin", &binary]] {
        let err = fails_in_one_line(&args, false);
        assert!(err.contains("not UTF-8 text (invalid byte at offset 32)"), "{err}");
    }
}

#[test]
fn check_of_a_page_with_problems_says_so_on_stderr_in_one_line() {
    let path = fixture("broken.md");
    for json in [false, true] {
        let args: Vec<&str> =
            if json { vec!["doc", "check", "--json", &path] } else { vec!["doc", "check", &path] };
        let err = fails_in_one_line(&args, true);
        assert_eq!(
            err,
            format!("larkerr: {path} does not parse cleanly: 4 problems (listed on stdout)\n")
        );
    }
}

// ---------------------------------------------------------------- doc diff, vendored pages

/// Every `code | message | ...` line of a page, read line by line: the first cell (after
/// an optional leading `|`) must be all digits and at least two more `|` must follow.
/// Deliberately simpler than the library's parser.
fn simple_rows(text: &str) -> Vec<(u32, String)> {
    text.lines()
        .filter_map(|line| {
            let body = line.strip_prefix('|').unwrap_or(line);
            let mut cells = body.split('|');
            let code = cells.next()?.trim();
            let message = cells.next()?.trim();
            cells.next()?;
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((code.parse().ok()?, message.to_owned()))
        })
        .collect()
}

fn code_counts(rows: &[(u32, String)]) -> BTreeMap<u32, usize> {
    let mut counts = BTreeMap::new();
    for (code, _) in rows {
        *counts.entry(*code).or_insert(0) += 1;
    }
    counts
}

/// Case, whitespace and trailing punctuation ignored.
fn loose(message: &str) -> String {
    let lower: String = message.to_lowercase().split_whitespace().collect();
    lower.trim_end_matches(|c: char| c.is_ascii_punctuation() || c == '。').to_owned()
}

#[test]
fn vendored_pages_against_each_other_match_an_independent_count() {
    let zh_rows = simple_rows(&std::fs::read_to_string(vendored(ZH)).unwrap());
    let en_rows = simple_rows(&std::fs::read_to_string(vendored(EN)).unwrap());
    let (zh, en) = (code_counts(&zh_rows), code_counts(&en_rows));
    let zh_codes: BTreeSet<u64> = zh.keys().map(|&c| u64::from(c)).collect();
    let en_codes: BTreeSet<u64> = en.keys().map(|&c| u64::from(c)).collect();
    let added: BTreeSet<u64> = en_codes.difference(&zh_codes).copied().collect();
    let removed: BTreeSet<u64> = zh_codes.difference(&en_codes).copied().collect();
    let both: Vec<u32> = zh.keys().filter(|c| en.contains_key(c)).copied().collect();
    let gained: BTreeSet<u64> = both.iter().filter(|c| en[c] > zh[c]).map(|&c| c.into()).collect();
    let lost: BTreeSet<u64> = both.iter().filter(|c| en[c] < zh[c]).map(|&c| c.into()).collect();
    // Codes documented once on each page: their message changed when it differs beyond
    // case, whitespace and trailing punctuation.
    let single = |rows: &[(u32, String)], code: u32| {
        rows.iter().find(|(c, _)| *c == code).map(|(_, m)| m.clone()).unwrap()
    };
    let singles: Vec<u32> = both.iter().filter(|c| zh[c] == 1 && en[c] == 1).copied().collect();
    let changed_singles: BTreeSet<u64> = singles
        .iter()
        .filter(|&&c| loose(&single(&zh_rows, c)) != loose(&single(&en_rows, c)))
        .map(|&c| c.into())
        .collect();
    let cosmetic_singles: BTreeSet<u64> = singles
        .iter()
        .filter(|&&c| {
            let (a, b) = (single(&zh_rows, c), single(&en_rows, c));
            a != b && loose(&a) == loose(&b)
        })
        .map(|&c| c.into())
        .collect();
    // The independent reading must have found real pages with real differences.
    assert!(zh_rows.len() > 500 && en_rows.len() > 500);
    assert!(!added.is_empty() && !removed.is_empty() && !changed_singles.is_empty());

    let v = diff_json(&[&vendored(ZH), &vendored(EN)]);
    assert_eq!(v["old"]["rows"].as_u64().unwrap() as usize, zh_rows.len());
    assert_eq!(v["new"]["rows"].as_u64().unwrap() as usize, en_rows.len());
    assert_eq!(v["old"]["distinct_codes"].as_u64().unwrap() as usize, zh.len());
    assert_eq!(v["new"]["distinct_codes"].as_u64().unwrap() as usize, en.len());
    assert_eq!(v["advice_compared"], false);
    assert_eq!(codes(&v, "added"), added);
    assert_eq!(codes(&v, "removed"), removed);
    assert_eq!(codes(&v, "duplicates_gained"), gained);
    assert_eq!(codes(&v, "duplicates_lost"), lost);
    assert_eq!(len(&v, "advice_changed"), 0);

    let is_single = |c: &u64| singles.contains(&(*c as u32));
    let message_changed: Vec<u64> = v["message_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_u64().unwrap())
        .collect();
    let reported_singles: BTreeSet<u64> =
        message_changed.iter().copied().filter(is_single).collect();
    assert_eq!(reported_singles, changed_singles);
    // The rest are codes with several rows on a page, paired by message then order.
    for code in message_changed.iter().filter(|c| !is_single(c)) {
        let c = *code as u32;
        assert!(zh.get(&c) > Some(&1) || en.get(&c) > Some(&1), "{code}");
    }
    let cosmetic: BTreeSet<u64> = v["cosmetic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_u64().unwrap())
        .filter(is_single)
        .collect();
    assert_eq!(cosmetic, cosmetic_singles);

    // The human output prints the same numbers.
    let o = larkerr(&["doc", "diff", &vendored(ZH), &vendored(EN)]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("only codes and messages are compared"), "{out}");
    let summary = format!(
        "summary: {} added, {} removed, {} message{} changed, {} duplicate{} gained, {} duplicate{} lost",
        added.len(),
        removed.len(),
        message_changed.len(),
        if message_changed.len() == 1 { "" } else { "s" },
        gained.len(),
        if gained.len() == 1 { "" } else { "s" },
        lost.len(),
        if lost.len() == 1 { "" } else { "s" },
    );
    assert!(out.contains(&summary), "expected `{summary}` in:\n{out}");
    assert!(out.contains(&format!("added ({} codes)", added.len())), "{out}");
    assert!(out.contains(&format!("removed ({} codes)", removed.len())), "{out}");
}

#[test]
fn builtin_catalog_is_the_chinese_page() {
    // The installed catalog was generated from the Chinese page: nothing is missing.
    let o = larkerr(&["doc", "diff", "--builtin", &vendored(ZH)]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("built-in catalog (feishu-generic-error-code.zh.2025-08-20.md)"), "{out}");
    assert!(out.contains("no differences"), "{out}");

    // Against the English page it reports what the Chinese page against it reports.
    let builtin = diff_json(&["--builtin", &vendored(EN)]);
    let page = diff_json(&[&vendored(ZH), &vendored(EN)]);
    assert_eq!(builtin["old_file"], Value::Null);
    for key in
        ["added", "removed", "message_changed", "duplicates_gained", "duplicates_lost", "cosmetic"]
    {
        assert_eq!(builtin[key], page[key], "{key}");
    }

    // And a new page with an added code shows what the catalog misses.
    let v = diff_json(&["--builtin", &fixture("added.md")]);
    assert!(codes(&v, "added").contains(&2000));
}
