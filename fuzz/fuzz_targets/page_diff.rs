//! The page diff: `diff::compare` of two parsed pages, `diff::word_diff`,
//! `diff::classify_text`.
//!
//! Input: `old page \0 new page` (no NUL: the new page is the old one).
//!
//! Properties:
//! - a page compared with itself has no change at all, cosmetic or not;
//! - comparing the other way round swaps added and removed, duplicates gained and
//!   lost, and finds as many changed messages, changed advice and cosmetic changes;
//! - the added codes are exactly the new page's codes the old page lacks;
//! - a word diff's `Same` and `Removed` runs give back the old text (less trailing
//!   whitespace), and its `Same` and `Added` runs the words of the new one;
//! - `classify_text` calls a text the same as itself, and is symmetric.
#![no_main]

use std::collections::BTreeSet;

use lark_errors_page::diff::{self, Field, TextChange, WordChange, WordOp};
use lark_errors_page::doc::Document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (old_text, new_text) = text.split_once('\0').unwrap_or((&text, &text));
    let (old, _) = Document::parse_lenient(old_text);
    let (new, _) = Document::parse_lenient(new_text);

    let same = diff::compare(&old, &old);
    assert!(!same.has_changes() && same.cosmetic.is_empty(), "a page differs from itself");
    assert!(same.advice_compared);

    let forward = diff::compare(&old, &new);
    let backward = diff::compare(&new, &old);
    let codes = |rows: &[diff::CodeRows]| rows.iter().map(|c| c.code).collect::<Vec<_>>();
    let dup_codes = |d: &[diff::DuplicateChange]| d.iter().map(|c| c.code).collect::<Vec<_>>();
    assert_eq!(codes(&forward.added), codes(&backward.removed));
    assert_eq!(codes(&forward.removed), codes(&backward.added));
    assert_eq!(dup_codes(&forward.duplicates_gained), dup_codes(&backward.duplicates_lost));
    assert_eq!(dup_codes(&forward.duplicates_lost), dup_codes(&backward.duplicates_gained));
    assert_eq!(forward.message_changed.len(), backward.message_changed.len());
    assert_eq!(forward.advice_changed.len(), backward.advice_changed.len());
    assert_eq!(forward.cosmetic.len(), backward.cosmetic.len());
    assert_eq!(forward.has_changes(), backward.has_changes());

    let old_codes: BTreeSet<u32> = old.rows.iter().map(|r| r.code).collect();
    let new_codes: BTreeSet<u32> = new.rows.iter().map(|r| r.code).collect();
    let added: Vec<u32> = new_codes.difference(&old_codes).copied().collect();
    assert_eq!(codes(&forward.added), added);

    for change in &forward.advice_changed {
        words_rebuild(&change.words, &change.old, &change.new);
    }
    let (a, b) = (head(old_text, 1024), head(new_text, 1024));
    words_rebuild(&diff::word_diff(a, b), a, b);
    for field in [Field::Message, Field::Advice] {
        assert_eq!(diff::classify_text(field, a, a), TextChange::Same);
        assert_eq!(diff::classify_text(field, a, b), diff::classify_text(field, b, a));
    }
});

fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn words_rebuild(words: &[WordChange], old: &str, new: &str) {
    let rebuilt_old: String =
        words.iter().filter(|w| w.op != WordOp::Added).map(|w| w.text.as_str()).collect();
    assert_eq!(rebuilt_old, old.trim_end(), "word diff does not give back the old text");
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let rebuilt_new: String =
        words.iter().filter(|w| w.op != WordOp::Removed).map(|w| w.text.as_str()).collect();
    assert_eq!(squeeze(&rebuilt_new), squeeze(new), "word diff does not give the new words");
}
