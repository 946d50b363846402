//! Per-API entries against the hand-checked tables in
//! `tests/fixtures/api-semantics-checked/*.tsv`: rows read from their advice by a person
//! (not copied from the rules' output). Each row names a page, a code and (where the page
//! lists the code twice) the exact message (a message over several lines by its first
//! line); the catalog must give that entry the same category, action and token.
#![cfg(feature = "apis")]

use std::path::Path;

use lark_errors::{Action, Category, TokenKind};

const HEADER: &str = "page\tcode\tmessage\tcategory\taction\ttoken\twhy";

#[test]
fn hand_checked_per_api_entries_match_the_catalog() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api-semantics-checked");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the hand-checked tables exist")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    let mut checked = 0;
    let mut areas = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let mut lines = text.lines().enumerate();
        assert_eq!(lines.next().map(|(_, l)| l), Some(HEADER), "{name}: header");
        areas += 1;
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{name}:{}", i + 1);
            let cells: Vec<&str> = line.split('\t').collect();
            assert!(cells.len() >= 7, "{at}: 7 tab-separated cells");
            let (page, message) = (cells[0], cells[2]);
            let code: u32 = cells[1].parse().unwrap_or_else(|_| panic!("{at}: code"));
            let category: Category = cells[3].parse().unwrap_or_else(|e| panic!("{at}: {e}"));
            let action: Action = cells[4].parse().unwrap_or_else(|e| panic!("{at}: {e}"));
            let token: Option<TokenKind> = match cells[5] {
                "-" => None,
                t => Some(t.parse().unwrap_or_else(|e| panic!("{at}: {e}"))),
            };
            assert!(!cells[6].trim().is_empty(), "{at}: why is empty");
            let suffix = format!("/{page}");
            let entries: Vec<_> = lark_errors::lookup_apis(code)
                .iter()
                .filter(|e| e.source().file.ends_with(&suffix))
                .filter(|e| message.is_empty() || same_message(e.message(), message))
                .collect();
            if entries.is_empty() {
                failures.push(format!("{at}: no entry {code} {message:?} on {page}"));
                continue;
            }
            for e in entries {
                let got = (e.category(), e.action(), e.token());
                if got != (category, action, token) {
                    failures.push(format!(
                        "{at}: {page} {code} {:?}: catalog says {} / {} / {}, checked {} / {} / {} ({})",
                        e.message(),
                        got.0,
                        got.1,
                        got.2.map_or("-", |t| t.as_str()),
                        category,
                        action,
                        token.map_or("-", |t| t.as_str()),
                        cells[6]
                    ));
                }
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 150, "at least 150 hand-checked rows, found {checked}");
    assert!(areas >= 2, "rows from several areas");
}

/// The checked message names the entry's: exactly, or by its first line (a table cell
/// continued over lines cannot be written in a TSV cell).
fn same_message(entry: &str, checked: &str) -> bool {
    entry == checked || entry.lines().next() == Some(checked)
}

/// Rows that say the same thing mean the same thing: wherever two API pages give a code
/// the same message and the same advice, its category, action and token agree.
#[test]
fn the_same_row_on_two_pages_has_one_meaning() {
    use std::collections::HashMap;
    type Said = (Category, Action, Option<TokenKind>);
    let mut seen: HashMap<(u32, &str, &str), (Said, String)> = HashMap::new();
    let mut disagree = Vec::new();
    for e in lark_errors::catalog::api_entries() {
        let said = (e.category(), e.action(), e.token());
        let here = format!("{}:{}", e.source().file, e.line());
        match seen.get(&(e.code(), e.message(), e.advice_zh())) {
            Some((first, there)) if *first != said => {
                disagree.push(format!("{} {here} {said:?} vs {there} {first:?}", e.code()))
            }
            Some(_) => {}
            None => {
                seen.insert((e.code(), e.message(), e.advice_zh()), (said, here));
            }
        }
    }
    assert!(disagree.is_empty(), "{} rows disagree:\n{}", disagree.len(), disagree.join("\n"));
}
