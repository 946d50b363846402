//! Every vendored API page parses, and an independent, naive reading of the pages
//! finds the same error rows.
//!
//! Run with `--nocapture` to see the counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lark_errors_page::api::{ApiPage, RateLimitSpec, read_api_pages};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sources/feishu-api-pages.zh.2026-01-09")
}

fn pages() -> Vec<ApiPage> {
    read_api_pages(&dir()).expect("the vendored API pages are readable")
}

/// The problems the vendored pages really have, as `page:line: what`: scopes named
/// without their id in `权限要求` (older pages). No error row is left unparsed.
const DOCUMENTED_PROBLEMS: &[&str] = &[
    "server-docs/application-v6/admin/obtain-the-apps-available-to-a-user.md:16: scope `获取用户可用的应用` has no `(id)`",
    "server-docs/helpdesk-v1/faq-management/category/list-categories.md:16: scope `获取服务台资源详情` has no `(id)`",
    "server-docs/historic-version/hire_internal/application-interview/list.md:17: scope `获取面试信息` has no `(id)`",
    "server-docs/historic-version/hire_internal/application-interview/list.md:18: scope `更新面试信息` has no `(id)`",
    "server-docs/historic-version/hire_internal/application-interview/list.md:21: scope `获取用户 user ID` has no `(id)`",
    "server-docs/historic-version/hire_internal/offer/get.md:16: scope `获取 offer 申请表信息` has no `(id)`",
    "server-docs/historic-version/import-api/batch-add-departments.md:17: scope `更新通讯录` has no `(id)`",
    "server-docs/historic-version/import-api/batch-add-departments.md:18: scope `以应用身份访问通讯录（历史版本）` has no `(id)`",
    "server-docs/historic-version/import-api/batch-add-users.md:17: scope `更新通讯录` has no `(id)`",
    "server-docs/historic-version/import-api/batch-add-users.md:18: scope `以应用身份访问通讯录（历史版本）` has no `(id)`",
    "server-docs/historic-version/import-api/query-the-execution-status-of-a-batch-task.md:17: scope `更新通讯录` has no `(id)`",
    "server-docs/historic-version/import-api/query-the-execution-status-of-a-batch-task.md:18: scope `以应用身份访问通讯录（历史版本）` has no `(id)`",
    "server-docs/historic-version/user/obtain-a-role-list.md:17: scope `获取角色` has no `(id)`",
    "server-docs/historic-version/user/obtain-a-role-list.md:18: scope `读取通讯录` has no `(id)`",
];

#[test]
fn every_vendored_page_parses_without_problems() {
    let pages = pages();
    assert_eq!(pages.len(), 1597);
    assert!(pages.windows(2).all(|w| w[0].path < w[1].path));
    assert!(pages.iter().all(|p| !p.path.contains('\\') && !p.path.starts_with('/')));
    let problems: Vec<String> = pages.iter().flat_map(ApiPage::problem_lines).collect();
    let rows: usize = pages.iter().map(|p| p.errors.len()).sum();
    let with_rows = pages.iter().filter(|p| !p.errors.is_empty()).count();
    let codes: BTreeSet<u32> = pages.iter().flat_map(|p| p.errors.iter().map(|r| r.code)).collect();
    let sub = pages.iter().flat_map(|p| &p.errors).filter(|r| r.parent.is_some()).count();
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    for p in pages.iter().flat_map(|p| &p.problems) {
        let kind = format!("{:?}", p.kind);
        let name = kind.split([' ', '{']).next().unwrap_or("").to_owned();
        *by_reason.entry(name).or_default() += 1;
    }
    eprintln!(
        "{} pages, {rows} error rows on {with_rows} pages, {} distinct codes, {sub} sub-code rows; \
         {} problems {by_reason:?}",
        pages.len(),
        codes.len(),
        problems.len()
    );
    for p in &problems {
        eprintln!("{p}");
    }
    assert_eq!(problems, DOCUMENTED_PROBLEMS);
    assert!(pages.iter().all(|p| p.title.is_some() && p.source_url.is_some()));
}

#[test]
fn request_tables_of_the_vendored_pages() {
    let pages = pages();
    let requests: Vec<_> = pages.iter().filter_map(|p| p.request.as_ref()).collect();
    let methods = requests.iter().filter(|r| r.method.is_some()).count();
    let limits = requests.iter().filter(|r| r.rate_limit.is_some()).count();
    let special = requests.iter().filter(|r| r.rate_limit == Some(RateLimitSpec::Special)).count();
    let scoped = requests.iter().filter(|r| !r.scopes.is_empty()).count();
    let field_scoped = requests.iter().filter(|r| !r.field_scopes.is_empty()).count();
    eprintln!(
        "{} request tables: {methods} methods, {limits} rate limits ({special} special), \
         {scoped} with scopes, {field_scoped} with field scopes",
        requests.len()
    );
    // Measured with grep: `grep -rc '^名称 | 值'`, `grep -rh '^接口频率限制'`, `'^HTTP Method'`.
    assert_eq!(requests.len(), 1586);
    assert_eq!(methods, 1586);
    assert_eq!(limits, 1442);
    assert_eq!(special, 100);
    assert!(requests.iter().all(|r| r.url.as_deref().is_some_and(|u| u.starts_with("https://"))));
    assert!(
        requests
            .iter()
            .flat_map(|r| r.scopes.iter().chain(&r.field_scopes))
            .all(|s| { !s.id.is_empty() && !s.id.contains(char::is_whitespace) })
    );
}

/// The error rows of a page by plain line matching, not by the parser: after the
/// first header line with a `错误码` (or `code`) cell, every line that does not start with
/// whitespace and whose first cell (after an optional `|`) is a number, or a 3-digit
/// status followed by a number, is a row. Returns (rows, distinct codes).
fn naive_rows(text: &str) -> (usize, BTreeSet<u32>) {
    let mut seen_header = false;
    let mut rows = 0;
    let mut codes = BTreeSet::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.trim_start_matches('|').split('|').map(|c| c.trim()).collect();
        if cells.iter().any(|c| c.trim_matches('*') == "错误码" || *c == "code") {
            seen_header = true;
            continue;
        }
        if !seen_header || line.starts_with(char::is_whitespace) || cells.len() < 2 {
            continue;
        }
        let num = |c: &str| -> Option<u32> {
            let c = c.trim_matches('`');
            (!c.is_empty() && c.bytes().all(|b| b.is_ascii_digit())).then(|| c.parse().ok())?
        };
        let code = match (num(cells[0]), num(cells[1])) {
            (Some(status), Some(code)) if cells[0].len() == 3 && status >= 100 => code,
            (Some(code), _) => code,
            _ => continue,
        };
        rows += 1;
        codes.insert(code);
    }
    (rows, codes)
}

#[test]
fn an_independent_count_agrees_with_the_parser_on_every_page() {
    let mut disagree = Vec::new();
    let (mut total_rows, mut all_codes) = (0, BTreeSet::new());
    for page in pages() {
        let text = std::fs::read_to_string(dir().join(&page.path)).unwrap();
        let (rows, codes) = naive_rows(&text);
        let parsed: BTreeSet<u32> = page.errors.iter().map(|r| r.code).collect();
        if rows != page.errors.len() || codes != parsed {
            disagree.push(format!(
                "{}: naive {rows} rows, parser {}",
                page.path,
                page.errors.len()
            ));
        }
        total_rows += rows;
        all_codes.extend(codes);
    }
    eprintln!("naive count: {total_rows} rows, {} distinct codes", all_codes.len());
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

#[test]
fn the_vendored_folder_against_itself_has_no_differences() {
    let pages = pages();
    let d = lark_errors_page::diff::compare_api_pages(&pages, &pages);
    assert!(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty(), "{d:?}");
    assert!(!d.has_changes());
    // Counted independently of the summary: distinct (method, path) pairs.
    let apis: BTreeSet<_> = pages.iter().filter_map(ApiPage::api).collect();
    assert_eq!(d.old.apis, apis.len());
    assert_eq!(d.old.pages, 1597);
    let check = lark_errors_page::diff::check_api_pages(&pages);
    // The vendored pages' only problems are notes (scopes without ids).
    assert!(check.is_clean());
    assert_eq!(check.notes(), DOCUMENTED_PROBLEMS.len());
    eprintln!("{:?}", check.summary);
}
