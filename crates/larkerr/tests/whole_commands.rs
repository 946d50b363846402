//! What the library's tests show, through the command (issue #11, "only the library is
//! tested, not the commands"): `larkerr scan` on one line of 800,000 codes, and
//! `larkerr doc check` on pages that start with a byte order mark or are cut in the
//! middle of a link.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;

use common::{repo, thousands};
use insta::assert_snapshot;
use serde_json::Value;

const ZH: &str = "data/sources/feishu-generic-error-code.zh.2025-08-20.md";
const API_PAGES: &str = "data/sources/feishu-api-pages.zh.2026-01-09";
const BOM: &str = "\u{FEFF}";

/// Runs `larkerr ARGS` in `dir` (so that paths in the output are relative and stable).
fn larkerr_in(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> Output {
    let mut cmd = common::larkerr();
    cmd.current_dir(dir).args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// The value of `key:` in a page's front matter, read line by line.
fn front_matter(page: &str, key: &str) -> String {
    page.lines()
        .skip(1)
        .take_while(|l| *l != "---")
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("no {key} in the front matter"))
        .trim()
        .trim_matches('"')
        .to_owned()
}

// ---------------------------------------------------------------- scan

/// How many distinct undocumented codes `scan` remembers, as its JSON schema documents
/// it ("... beyond the N distinct ones remembered").
fn undocumented_cap() -> usize {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(repo().join("schemas/scan.schema.json")).unwrap())
            .unwrap();
    let said = schema["properties"]["not_listed"]["description"].as_str().unwrap();
    let before = said.split(" distinct ones remembered").next().unwrap();
    before.rsplit(' ').next().unwrap().parse().unwrap_or_else(|_| panic!("no cap in {said:?}"))
}

#[test]
fn scan_reports_every_code_of_a_line_of_800_000() {
    // 800,000 distinct codes on one line, then a line repeating one of them: a report
    // that compared each code with all before would take minutes.
    let n = 800_000u32;
    let first = 1_000_000u32;
    let mut line = String::with_capacity(n as usize * 20);
    for i in 0..n {
        line.push_str(&format!("code={} msg=m ", first + i));
    }
    let log = format!("{line}code=1000007 msg=m\n2025-03-01 08:00:00 again code=1000007 msg=m\n");
    let (documented, undocumented): (Vec<u32>, Vec<u32>) =
        (first..first + n).partition(|&c| lark_errors::is_documented(c));
    assert!(lark_errors::is_documented(1_000_007));
    let cap = undocumented_cap();
    assert!(undocumented.len() > cap);

    let o = larkerr_in(&repo(), &["scan", "--json", "-"], Some(log.clone().into_bytes()));
    assert_eq!(o.status.code(), Some(0), "stderr: {}", text(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Every code once on the first line (a repeat on a line counts once), one on the
    // second.
    assert_eq!(doc["total"], u64::from(n) + 1);
    assert_eq!(doc["lines"], 2);
    // Listed: every documented code and the first `cap` undocumented ones; the
    // occurrences of the others are counted as not listed.
    let codes = doc["codes"].as_array().unwrap();
    let listed: BTreeSet<u64> = codes.iter().map(|c| c["code"].as_u64().unwrap()).collect();
    let want: BTreeSet<u64> =
        documented.iter().chain(&undocumented[..cap]).map(|&c| u64::from(c)).collect();
    assert_eq!(listed.len(), codes.len(), "a code listed twice");
    assert_eq!(listed, want);
    assert_eq!(doc["distinct_codes"], want.len());
    assert_eq!(doc["not_in_catalog"], cap);
    assert_eq!(doc["not_listed"]["count"], undocumented.len() - cap);
    assert_eq!(doc["not_listed"]["codes"], 0);
    let repeated = codes.iter().find(|c| c["code"] == 1_000_007).unwrap();
    assert_eq!(
        (repeated["count"].clone(), repeated["first"]["line"].clone()),
        (2.into(), 1.into())
    );
    assert_eq!(repeated["last"]["line"], 2);

    // The human report says the same.
    let o = larkerr_in(&repo(), &["scan", "-"], Some(log.into_bytes()));
    assert_eq!(o.status.code(), Some(0), "stderr: {}", text(&o.stderr));
    let out = text(&o.stdout);
    let head = out.lines().next().unwrap();
    let said = format!(
        "{} Feishu errors of {} codes in 1 input (",
        thousands(u64::from(n) + 1),
        thousands(want.len() as u64)
    );
    assert!(head.starts_with(&said), "{head:?} does not start with {said:?}");
    assert!(head.ends_with(&format!(", 2 lines), {cap} not in the catalog.")), "{head}");
    let note = format!(
        "  ... and {} occurrences of further codes not in the catalog (more than {cap} distinct)",
        thousands((undocumented.len() - cap) as u64)
    );
    assert!(out.lines().any(|l| l == note), "{note:?} not in the report");
}

// ---------------------------------------------------------------- doc check

#[test]
fn doc_check_of_a_page_with_a_byte_order_mark_keeps_its_title_and_source() {
    let page = fs::read_to_string(repo().join(ZH)).unwrap();
    let title = front_matter(&page, "title");
    let source = front_matter(&page, "source_url");
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    let marked = dir.path().join("marked");
    fs::create_dir_all(&plain).unwrap();
    fs::create_dir_all(&marked).unwrap();
    fs::write(plain.join("page.md"), &page).unwrap();
    fs::write(marked.join("page.md"), format!("{BOM}{page}")).unwrap();

    let without = larkerr_in(&plain, &["doc", "check", "page.md"], None);
    let with = larkerr_in(&marked, &["doc", "check", "page.md"], None);
    assert_eq!(with.status.code(), Some(0), "stderr: {}", text(&with.stderr));
    let out = text(&with.stdout);
    assert!(out.contains(&title), "title {title:?} not in\n{out}");
    assert!(out.contains(&source), "source {source:?} not in\n{out}");
    assert_eq!(out, text(&without.stdout), "the mark changes the report");
    assert_eq!(with.stderr, without.stderr);
    assert_snapshot!("doc_check_bom_page", out);

    // --json says the same.
    let with = larkerr_in(&marked, &["doc", "check", "--json", "page.md"], None);
    let without = larkerr_in(&plain, &["doc", "check", "--json", "page.md"], None);
    let v: Value = serde_json::from_slice(&with.stdout).unwrap();
    assert_eq!(v, serde_json::from_slice::<Value>(&without.stdout).unwrap());
    let json = v.to_string();
    assert!(json.contains(&title) && json.contains(&source), "{json:.600}");
}

/// A copy of the vendored API pages' `rel` in a folder of its own, changed by `edit`.
fn api_folder(rel: &str, edit: impl FnOnce(&str) -> String) -> (tempfile::TempDir, String) {
    let page = fs::read_to_string(repo().join(API_PAGES).join(rel)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pages").join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, edit(&page)).unwrap();
    (dir, page)
}

const SEND_MESSAGE: &str = "server-docs/im-v1/message/create.md";

/// A folder's report names no titles: the page with the mark must be read as the page
/// without it (same summary, its API found, no problems), and a diff of the two folders
/// must find nothing changed.
#[test]
fn doc_check_of_api_pages_with_a_byte_order_mark_reads_them_as_without() {
    let (marked, _) = api_folder(SEND_MESSAGE, |p| format!("{BOM}{p}"));
    let (plain, _) = api_folder(SEND_MESSAGE, str::to_owned);
    let with = larkerr_in(marked.path(), &["doc", "check", "--json", "pages"], None);
    let without = larkerr_in(plain.path(), &["doc", "check", "--json", "pages"], None);
    assert_eq!(with.status.code(), Some(0), "stderr: {}", text(&with.stderr));
    let v: Value = serde_json::from_slice(&with.stdout).unwrap();
    assert_eq!(v, serde_json::from_slice::<Value>(&without.stdout).unwrap());
    assert_eq!((v["summary"]["pages"].clone(), v["summary"]["apis"].clone()), (1.into(), 1.into()));
    let human = text(&larkerr_in(marked.path(), &["doc", "check", "pages"], None).stdout);
    assert_eq!(human, text(&larkerr_in(plain.path(), &["doc", "check", "pages"], None).stdout));

    let (old, new) = (plain.path().join("pages"), marked.path().join("pages"));
    let args = ["doc", "diff", "--json", old.to_str().unwrap(), new.to_str().unwrap()];
    let o = larkerr_in(&repo(), &args, None);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", text(&o.stderr));
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in ["added", "removed", "changed"] {
        assert_eq!(d[key], serde_json::json!([]), "{key}: {d:#}");
    }
}

/// `page` cut a few bytes into its last link's URL; the line the cut is on.
fn cut_mid_link(page: &str) -> (String, usize) {
    let at = page.rfind("](http").expect("a link") + "](https://op".len();
    let cut = &page[..at];
    (cut.to_owned(), cut.lines().count())
}

#[test]
fn doc_check_of_a_page_cut_mid_link_reports_it() {
    let page = fs::read_to_string(repo().join(ZH)).unwrap();
    let (cut, line) = cut_mid_link(&page);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("page.md"), &cut).unwrap();
    let o = larkerr_in(dir.path(), &["doc", "check", "page.md"], None);
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o.stdout);
    let problem = format!("page.md:{line}: ");
    let listed: Vec<&str> = out.lines().filter(|l| l.starts_with(&problem)).collect();
    assert_eq!(listed.len(), 1, "{problem} not in\n{out}");
    assert!(listed[0].contains("link"), "{}", listed[0]);
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("larkerr: page.md does not parse cleanly"), "{err}");
    assert_snapshot!("doc_check_cut_page", out);

    let o = larkerr_in(dir.path(), &["doc", "check", "--json", "page.md"], None);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = v["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["line"] == line as u64), "{v:#}");
}

#[test]
fn doc_check_of_an_api_page_cut_mid_link_reports_it() {
    let (dir, page) = api_folder(SEND_MESSAGE, |p| cut_mid_link(p).0);
    let (_, line) = cut_mid_link(&page);
    let o = larkerr_in(dir.path(), &["doc", "check", "pages"], None);
    assert_eq!(o.status.code(), Some(2), "stdout: {}", text(&o.stdout));
    let out = text(&o.stdout);
    let want = format!(
        "pages/{SEND_MESSAGE}:{line}: a link is never closed (the page is cut in the middle of a link)"
    );
    assert!(out.lines().any(|l| l == want), "{want} not in\n{out}");
    let err = text(&o.stderr);
    assert_eq!(err, "larkerr: pages does not parse cleanly: 1 problem (listed on stdout)\n");
    assert_snapshot!("doc_check_cut_api_page", out);
}
