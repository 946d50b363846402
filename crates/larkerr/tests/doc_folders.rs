//! `larkerr doc check DIR` and `larkerr doc diff OLD_DIR NEW_DIR`: folders of API pages,
//! end to end.
//!
//! The fixture folders (`tests/fixtures/doc/api-*/`, described in their README) are
//! copies of vendored pages, some edited; a test below checks that the copies said to
//! be unedited are byte for byte the vendored pages. Snapshots are taken with paths
//! relative to this crate, so they do not depend on where the repository lives.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta::assert_snapshot;
use lark_errors_page::api::{ApiPage, read_api_pages};
use serde_json::Value;

/// The vendored API pages, relative to this crate.
const VENDORED: &str = "../../data/sources/feishu-api-pages.zh.2026-01-09";
const OLD: &str = "tests/fixtures/doc/api-old";
const NEW: &str = "tests/fixtures/doc/api-new";
const BROKEN: &str = "tests/fixtures/doc/api-broken";

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `larkerr` in this crate's folder, without colour.
fn larkerr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_larkerr"))
        .args(args)
        .current_dir(here())
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

/// Runs and expects `status`; returns stdout.
fn run(args: &[&str], status: i32) -> String {
    let o = larkerr(args);
    assert_eq!(o.status.code(), Some(status), "{args:?}: stderr {}", stderr(&o));
    stdout(&o)
}

fn json(args: &[&str], status: i32) -> Value {
    serde_json::from_str(&run(args, status)).expect("JSON output")
}

/// Fails with exit 2, nothing on stdout and one line on stderr; returns the line.
fn fails_in_one_line(args: &[&str]) -> String {
    let o = larkerr(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("larkerr: "), "{args:?}: {err}");
    err
}

fn array<'v>(v: &'v Value, key: &str) -> &'v Vec<Value> {
    v[key].as_array().unwrap_or_else(|| panic!("{key} is not an array in {v}"))
}

fn codes(list: &Value) -> Vec<u64> {
    list.as_array().unwrap().iter().map(|e| e["code"].as_u64().unwrap()).collect()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect()
}

// ---------------------------------------------------------------- the fixtures

/// Every page of `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixture_pages_are_copies_of_vendored_pages() {
    let vendored = here().join(VENDORED).join("server-docs");
    let same = |fixture: &str, rel: &str, vendored_rel: &str| {
        let a = std::fs::read(here().join(fixture).join(rel)).unwrap();
        let b = std::fs::read(vendored.join(vendored_rel)).unwrap();
        a == b
    };
    // The old folder: three pages, as vendored.
    let old = files(&here().join(OLD));
    assert_eq!(old.len(), 3);
    for rel in &old {
        assert!(same(OLD, rel.to_str().unwrap(), rel.to_str().unwrap()), "{rel:?} edited");
    }
    // The new folder: get.md as vendored, delete.md moved unchanged, create.md edited.
    let moved = "im-v1/message-reaction/delete.md";
    assert!(same(NEW, "im-v1/message/get.md", "im-v1/message/get.md"));
    assert!(same(NEW, "im-v1/reaction/delete.md", moved));
    let create = "im-v1/message-reaction/create.md";
    assert!(!same(NEW, create, create));
    assert_eq!(files(&here().join(NEW)).len(), 3);
    // The broken folder: create.md edited, the other two as vendored.
    assert!(!same(BROKEN, "im-v1/pin/create.md", "im-v1/pin/create.md"));
    assert!(same(BROKEN, "im-v1/pin/delete.md", "im-v1/pin/delete.md"));
    let roles = "historic-version/user/obtain-a-role-list.md";
    assert!(same(BROKEN, roles, roles));
}

// ---------------------------------------------------------------- doc check DIR

#[test]
fn check_of_a_clean_folder() {
    let out = run(&["doc", "check", OLD], 0);
    assert!(out.contains("problems       none"), "{out}");
    assert_snapshot!("check_api_old", out);
    let v = json(&["doc", "check", "--json", OLD], 0);
    let pages: Vec<ApiPage> = read_api_pages(&here().join(OLD)).unwrap();
    assert_eq!(v["summary"]["pages"], pages.len());
    assert_eq!(v["summary"]["rows"], pages.iter().map(|p| p.errors.len()).sum::<usize>());
    assert!(array(&v, "problems").is_empty());
    assert_snapshot!("check_api_old_json", serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn check_of_a_folder_with_problems_names_each_page_and_line() {
    let o = larkerr(&["doc", "check", BROKEN]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    for line in [
        format!("{BROKEN}/im-v1/pin/create.md:30: code `23011l` is not a decimal number"),
        format!("{BROKEN}/im-v1/pin/create.md:47: HTTP status `4OO` is not a status code"),
        format!("{BROKEN}/im-v1/pin/create.md:48: error row has 2 cells"),
        format!("{BROKEN}/historic-version/user/obtain-a-role-list.md:17: scope `获取角色`"),
    ] {
        assert!(out.contains(&line), "{line} not in\n{out}");
    }
    assert_eq!(
        stderr(&o),
        format!("larkerr: {BROKEN} does not parse cleanly: 3 problems (listed on stdout)\n")
    );
    assert_snapshot!("check_api_broken", out);

    let o = larkerr(&["doc", "check", "--json", BROKEN]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = array(&v, "problems");
    let notes = problems.iter().filter(|p| p["note"] == true).count();
    assert_eq!((problems.len(), notes), (5, 2));
    assert_eq!(problems[2]["page"], "im-v1/pin/create.md");
    assert_eq!(problems[2]["line"], 30);
    assert_snapshot!("check_api_broken_json", serde_json::to_string_pretty(&v).unwrap());
}

/// The count `doc check` reports for the vendored folder is the parser's own count of
/// problems, recounted here from the pages.
#[test]
fn check_of_the_vendored_folder_reports_as_many_problems_as_the_parser() {
    let pages = read_api_pages(&here().join(VENDORED)).unwrap();
    let problems: Vec<_> = pages.iter().flat_map(|p| &p.problems).collect();
    let notes = problems.iter().filter(|p| p.kind.is_note()).count();
    let rows: usize = pages.iter().map(|p| p.errors.len()).sum();

    let v =
        json(&["doc", "check", "--json", VENDORED], if notes == problems.len() { 0 } else { 2 });
    assert_eq!(array(&v, "problems").len(), problems.len());
    let json_notes = array(&v, "problems").iter().filter(|p| p["note"] == true).count();
    assert_eq!(json_notes, notes);
    assert_eq!(v["summary"]["pages"], pages.len());
    assert_eq!(v["summary"]["rows"], rows);

    let out = run(&["doc", "check", VENDORED], 0);
    assert!(out.contains(&format!("  pages          {}\n", pages.len())), "{out}");
    assert!(out.contains(&format!("  error rows     {rows} on ")), "{out}");
    let errors = problems.len() - notes;
    let expected = match (errors, notes) {
        (0, 0) => "none".to_owned(),
        (0, n) => format!("none; {n} notes (nothing lost)"),
        (e, n) => format!("{e}; {n} notes (nothing lost)"),
    };
    assert!(out.contains(&format!("  problems       {expected}\n")), "{expected}: {out}");
    // One line per problem, each `DIR/PAGE:LINE: what`.
    let listed = out.lines().filter(|l| l.starts_with(&format!("{VENDORED}/"))).count();
    assert_eq!(listed, problems.len());
}

// ---------------------------------------------------------------- doc diff OLD_DIR NEW_DIR

#[test]
fn diff_of_the_fixture_folders() {
    let out = run(&["doc", "diff", OLD, NEW], 0);
    assert_snapshot!("diff_api_old_new", out);
    let v = json(&["doc", "diff", "--json", OLD, NEW], 0);
    assert_snapshot!("diff_api_old_new_json", serde_json::to_string_pretty(&v).unwrap());
}

/// One change of each kind, as the fixtures README lists them.
#[test]
fn diff_reports_each_kind_of_change() {
    let v = json(&["doc", "diff", "--json", OLD, NEW], 0);
    assert_eq!((v["old_folder"].as_str(), v["new_folder"].as_str()), (Some(OLD), Some(NEW)));
    // An API added, an API removed.
    let added = array(&v, "added");
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["api"]["method"], "GET");
    assert_eq!(added[0]["api"]["path"], "/open-apis/im/v1/messages/:message_id");
    assert_eq!(added[0]["page"], "im-v1/message/get.md");
    let removed = array(&v, "removed");
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["api"]["path"], "/open-apis/im/v1/messages/:message_id/reactions");
    assert_eq!(removed[0]["api"]["method"], "GET");
    // The codes of the removed page are the page's own, recounted.
    let list = read_api_pages(&here().join(OLD)).unwrap();
    let list = list.iter().find(|p| p.path == "im-v1/message-reaction/list.md").unwrap();
    let mut list_codes: Vec<u64> = list.errors.iter().map(|r| u64::from(r.code)).collect();
    list_codes.sort_unstable();
    list_codes.dedup();
    let removed_codes: Vec<u64> =
        removed[0]["codes"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap()).collect();
    assert_eq!(removed_codes, list_codes);

    let changed = array(&v, "changed");
    assert_eq!(changed.len(), 2);
    // A page moved, nothing else.
    let moved = &changed[0];
    assert_eq!(moved["api"]["method"], "DELETE");
    assert_eq!(
        (moved["old_page"].as_str(), moved["new_page"].as_str()),
        (Some("im-v1/message-reaction/delete.md"), Some("im-v1/reaction/delete.md"))
    );
    for key in ["codes_added", "codes_removed", "message_changed", "advice_changed", "cosmetic"] {
        assert!(array(moved, key).is_empty(), "{key}");
    }
    assert!(moved["rate_limit"].is_null() && moved["api_changed"].is_null());

    let c = &changed[1];
    assert_eq!(c["api"]["path"], "/open-apis/im/v1/messages/:message_id/reactions");
    assert_eq!(c["api"]["method"], "POST");
    assert_eq!(c["old_page"], c["new_page"]);
    // Rate-limit tier, written as the runtime library writes a tier.
    assert_eq!(c["rate_limit"]["old"], "1000/min, 50/s");
    assert_eq!(c["rate_limit"]["new"], "100/min");
    // Scopes and field scopes.
    assert_eq!(ids(&c["scopes_added"]), ["im:message.reactions:read"]);
    assert_eq!(ids(&c["scopes_removed"]), ["im:message.reactions:write_only"]);
    assert_eq!(ids(&c["field_scopes_added"]), ["contact:user.employee_id:readonly"]);
    assert!(array(c, "field_scopes_removed").is_empty());
    // Codes.
    assert_eq!(codes(&c["codes_added"]), [231023]);
    assert_eq!(codes(&c["codes_removed"]), [230110]);
    assert_eq!(codes(&c["duplicates_gained"]), [231018]);
    assert!(array(c, "duplicates_lost").is_empty());
    // Texts: a message, an advice (with its word diff), formatting apart.
    assert_eq!(codes(&c["message_changed"]), [231003]);
    assert_eq!(c["message_changed"][0]["field"], "message");
    assert_eq!(
        c["message_changed"][0]["new"],
        "The message is not found, it may not exist or has been deleted."
    );
    assert_eq!(codes(&c["advice_changed"]), [231014]);
    let words = array(&c["advice_changed"][0], "words");
    assert!(words.iter().any(|w| w["op"] == "added" && w["text"] == "请"), "{words:?}");
    assert!(words.iter().any(|w| w["op"] == "removed" && w["text"] == "未"), "{words:?}");
    let cosmetic: Vec<(u64, &str)> = array(c, "cosmetic")
        .iter()
        .map(|k| (k["code"].as_u64().unwrap(), k["field"].as_str().unwrap()))
        .collect();
    assert_eq!(cosmetic, [(231012, "advice"), (231021, "message")]);
    // HTTP status.
    let status = array(c, "status_changed");
    assert_eq!(status.len(), 1);
    assert_eq!((status[0]["code"].as_u64(), status[0]["old"].as_u64()), (Some(231015), Some(400)));
    assert_eq!(status[0]["new"], 429);
}

#[test]
fn diff_backwards_is_the_mirror_image() {
    let v = json(&["doc", "diff", "--json", NEW, OLD], 0);
    assert_eq!(array(&v, "added")[0]["page"], "im-v1/message-reaction/list.md");
    assert_eq!(array(&v, "removed")[0]["page"], "im-v1/message/get.md");
    let c = &array(&v, "changed")[1];
    assert_eq!(codes(&c["codes_added"]), [230110]);
    assert_eq!(codes(&c["codes_removed"]), [231023]);
    assert_eq!(codes(&c["duplicates_lost"]), [231018]);
    assert_eq!(ids(&c["scopes_added"]), ["im:message.reactions:write_only"]);
    assert_eq!(ids(&c["field_scopes_removed"]), ["contact:user.employee_id:readonly"]);
    assert_eq!(c["status_changed"][0]["new"], 400);
}

#[test]
fn a_folder_against_itself_has_no_differences() {
    let out = run(&["doc", "diff", OLD, OLD], 0);
    assert!(out.ends_with("\nno differences\n"), "{out}");
    let v = json(&["doc", "diff", "--json", VENDORED, VENDORED], 0);
    for key in ["added", "removed", "changed"] {
        assert!(array(&v, key).is_empty(), "{key}");
    }
    assert_eq!(v["old"], v["new"]);
}

#[test]
fn diff_refuses_a_folder_that_does_not_parse_in_one_line() {
    for args in [["doc", "diff", BROKEN, OLD], ["doc", "diff", OLD, BROKEN]] {
        let err = fails_in_one_line(&args);
        assert!(err.starts_with(&format!("larkerr: {BROKEN} does not parse cleanly")), "{err}");
        assert!(err.contains("im-v1/pin/create.md:30: code `23011l`"), "{err}");
        assert!(err.contains(&format!("larkerr doc check {BROKEN}")), "{err}");
    }
}

#[test]
fn a_folder_and_a_file_or_builtin_are_usage_errors() {
    let page = "tests/fixtures/doc/base.md";
    for args in [
        vec!["doc", "diff", OLD, page],
        vec!["doc", "diff", page, OLD],
        vec!["doc", "diff", "--builtin", OLD],
    ] {
        let err = fails_in_one_line(&args);
        assert!(err.starts_with("larkerr: doc diff: "), "{err}");
        assert!(err.contains(OLD), "{err}");
    }
}

// ---------------------------------------------------------------- bounded input

#[test]
fn an_empty_folder_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a page").unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    for args in [vec!["doc", "check", &path], vec!["doc", "diff", &path, OLD]] {
        let err = fails_in_one_line(&args);
        assert_eq!(err, format!("larkerr: {path}: a folder without any page (no `.md` file)\n"));
    }
}

#[test]
fn too_many_pages_fail_before_any_is_read_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let limit = lark_errors_page::read::MAX_FOLDER_PAGES;
    for i in 0..=limit {
        // Not even valid UTF-8: the listing fails before any page is read.
        std::fs::write(dir.path().join(format!("{i}.md")), b"\xff").unwrap();
    }
    let path = dir.path().to_string_lossy().into_owned();
    for args in [vec!["doc", "check", &path], vec!["doc", "diff", OLD, &path]] {
        let err = fails_in_one_line(&args);
        assert_eq!(
            err,
            format!(
                "larkerr: {path}: more than {limit} pages (`.md` files), not a folder of pages\n"
            )
        );
    }
}

#[test]
fn a_page_too_large_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "# 一页\n").unwrap();
    let big = dir.path().join("b.md");
    let limit = lark_errors_page::MAX_PAGE_BYTES;
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(limit + 1).unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let err = fails_in_one_line(&["doc", "check", &path]);
    assert!(err.contains(&format!("{}: larger than 8 MiB", big.display())), "{err}");
    let err = fails_in_one_line(&["doc", "diff", &path, &path]);
    assert!(err.contains("b.md: larger than 8 MiB"), "{err}");
}

/// The bounds README.md, CONTRIBUTING.md and `doc diff --help` state are the reader's
/// own.
#[test]
fn the_docs_state_the_folder_bounds() {
    use lark_errors_page::read::{MAX_FOLDER_BYTES, MAX_FOLDER_PAGES};
    let pages = MAX_FOLDER_PAGES.to_string();
    let pages = format!("{},{}", &pages[..pages.len() - 3], &pages[pages.len() - 3..]);
    let mib = |n: u64| format!("{} MiB", n / (1024 * 1024));
    let help = run(&["doc", "diff", "--help"], 0);
    for (doc, text) in [
        ("README.md", std::fs::read_to_string(here().join("../../README.md")).unwrap()),
        ("CONTRIBUTING.md", std::fs::read_to_string(here().join("../../CONTRIBUTING.md")).unwrap()),
        ("doc diff --help", help),
    ] {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for fact in [
            format!("at most {pages} pages"),
            mib(lark_errors_page::MAX_PAGE_BYTES),
            format!("{} in all", mib(MAX_FOLDER_BYTES)),
        ] {
            assert!(text.contains(&fact), "{doc} does not say {fact:?}");
        }
    }
}

/// Control characters of page names and page text are escaped, in every output.
#[cfg(unix)]
#[test]
fn control_characters_of_names_and_text_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    let page = |code: &str, message: &str| {
        format!(
            "名称 | 值\n---|---\nHTTP URL | /open-apis/a\nHTTP Method | GET\n\n### 错误码\n\n\
             错误码 | 描述 | 排查建议\n--- | --- | ---\n{code} | {message} | 请重试\n"
        )
    };
    std::fs::write(old.join("a\nb.md"), page("12\x1b[31m", "m")).unwrap();
    let old_s = old.to_string_lossy().into_owned();
    let o = larkerr(&["doc", "check", &old_s]);
    assert_eq!(o.status.code(), Some(2));
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(!out.contains('\x1b') && !err.contains('\x1b'), "{out}{err}");
    assert!(out.contains("a\\nb.md:10: code `12\\u{1b}[31m`"), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");

    std::fs::write(old.join("a\nb.md"), page("12", "m\x1b[2J")).unwrap();
    std::fs::write(new.join("c.md"), page("12", "m\x07 two")).unwrap();
    let out = run(&["doc", "diff", &old_s, &new.to_string_lossy()], 0);
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out}");
    assert!(out.contains("a\\nb.md -> c.md"), "{out}");
    assert!(out.contains("- m\\u{1b}[2J") && out.contains("+ m\\u{7} two"), "{out}");
}
