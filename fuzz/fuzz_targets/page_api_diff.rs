//! The folder-level diff of API pages: `api_diff::compare_api_pages` (pairing pages by
//! API, then by path; rows by code and parent, then by message) and
//! `api_diff::check_api_pages`.
//!
//! Input: `old folder \0 new folder` (no NUL: the new folder is the old one); a folder
//! is its pages separated by `\x1e` (ASCII record separator), page `k` at path
//! `k/page.md` (invalid UTF-8 replaced).
//!
//! Properties:
//! - a folder compared with itself has no change at all, cosmetic or not;
//! - every page is accounted for once: paired, added or removed;
//! - comparing the other way round swaps APIs added and removed and, over the changed
//!   APIs, codes added and removed, duplicates gained and lost, scopes added and
//!   removed, and finds as many message, advice, HTTP status, rate-limit and cosmetic
//!   changes;
//! - an added or removed page's codes are its rows' codes, ascending and distinct;
//! - the check counts every page and row, and lists problems by page then line.
#![no_main]

use std::collections::BTreeSet;

use lark_errors_page::api::{ApiPage, parse_api_page};
use lark_errors_page::api_diff::{ApiChange, ApiDiff, check_api_pages, compare_api_pages};
use libfuzzer_sys::fuzz_target;

/// More pages than this per folder are cut off: the pairing is linear, but a few
/// hundred pages say nothing a dozen do not.
const MAX_PAGES: usize = 64;

fn folder(text: &str) -> Vec<ApiPage> {
    text.split('\x1e')
        .take(MAX_PAGES)
        .enumerate()
        .map(|(k, page)| parse_api_page(&format!("{k}/page.md"), page))
        .collect()
}

/// A count over one changed API.
type Count = fn(&ApiChange) -> usize;

fn sum(d: &ApiDiff, f: impl Fn(&ApiChange) -> usize) -> usize {
    d.changed.iter().map(f).sum()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (old_text, new_text) = text.split_once('\0').unwrap_or((&text, &text));
    let (old, new) = (folder(old_text), folder(new_text));

    let same = compare_api_pages(&old, &old);
    assert!(same.added.is_empty() && same.removed.is_empty(), "a folder differs from itself");
    assert!(same.changed.is_empty() && !same.has_changes(), "a folder differs from itself");

    let forward = compare_api_pages(&old, &new);
    let backward = compare_api_pages(&new, &old);
    assert_eq!(old.len() - forward.removed.len(), new.len() - forward.added.len());
    assert_eq!(forward.added.len(), backward.removed.len());
    assert_eq!(forward.removed.len(), backward.added.len());
    assert_eq!(forward.changed.len(), backward.changed.len());
    assert_eq!(forward.has_changes(), backward.has_changes());
    let mirrored: [(Count, Count); 4] = [
        (|c| c.codes_added.len(), |c| c.codes_removed.len()),
        (|c| c.duplicates_gained.len(), |c| c.duplicates_lost.len()),
        (|c| c.scopes_added.len(), |c| c.scopes_removed.len()),
        (|c| c.field_scopes_added.len(), |c| c.field_scopes_removed.len()),
    ];
    for (there, back) in mirrored {
        assert_eq!(sum(&forward, there), sum(&backward, back));
        assert_eq!(sum(&forward, back), sum(&backward, there));
    }
    let symmetric: [Count; 5] = [
        |c| c.message_changed.len(),
        |c| c.advice_changed.len(),
        |c| c.status_changed.len(),
        |c| usize::from(c.rate_limit.is_some()),
        |c| c.cosmetic.len(),
    ];
    for f in symmetric {
        assert_eq!(sum(&forward, f), sum(&backward, f));
    }
    for (list, pages) in [(&forward.added, &new), (&forward.removed, &old)] {
        for p in list.iter() {
            let page = pages.iter().find(|q| q.path == p.page).expect("a page of the folder");
            let codes: BTreeSet<u32> = page.errors.iter().map(|r| r.code).collect();
            assert_eq!(p.codes, codes.into_iter().collect::<Vec<_>>(), "{}", p.page);
        }
    }

    let check = check_api_pages(&new);
    assert_eq!(check.summary.pages, new.len());
    assert_eq!(check.summary.rows, new.iter().map(|p| p.errors.len()).sum::<usize>());
    let problems: usize = new.iter().map(|p| p.problems.len()).sum();
    assert_eq!(check.problems.len(), problems);
    assert!(check.problems.windows(2).all(|w| (&w[0].page, w[0].line) <= (&w[1].page, w[1].line)));
    assert_eq!(check.is_clean(), check.notes() == check.problems.len());
});
