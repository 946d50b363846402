//! Property tests with inputs of 2 KB to ~100 KB where size matters (issue #11): the
//! word diff on both sides of its alignment limit (beyond it the middle is reported as
//! removed-then-added) and the comparison of pages of thousands of rows. Each compares
//! with what the test built in. Few cases (the inputs are large); `PROPTEST_CASES`
//! overrides them.

use std::collections::BTreeSet;

use lark_errors_page::diff::{WordOp, compare, word_diff};
use lark_errors_page::doc::Document;
use proptest::prelude::*;

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// `n` words of a vocabulary of its own (`tag` tells the vocabularies apart), each with
/// the whitespace before it.
fn words(tag: &str, n: usize, seed: u64) -> String {
    let mut out = String::new();
    let mut x = seed;
    for i in 0..n {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let gap = if i % 7 == 3 { "\n  " } else { " " };
        out.push_str(gap);
        out.push_str(&format!("{tag}{}", x >> 54));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(12)))]

    /// Two texts with a common start and end around middles of different words: the
    /// diff is the start, the old middle removed, the new one added, the end, both under
    /// the alignment limit (a longest common subsequence) and over it (the fallback),
    /// for middles of 400 to 6,000 words (up to ~80 KB).
    #[test]
    fn a_word_diff_of_large_texts_is_start_removed_added_end_on_both_sides_of_its_limit(
        head in 0usize..300,
        tail in 0usize..300,
        old_n in prop_oneof![400usize..1_500, 1_800usize..2_300, 3_000usize..6_000],
        new_n in prop_oneof![400usize..1_500, 1_800usize..2_300, 3_000usize..6_000],
        seed in any::<u64>(),
    ) {
        let (start, end) = (words("s", head, seed), words("e", tail, seed ^ 1));
        let (x, y) = (words("x", old_n, seed ^ 2), words("y", new_n, seed ^ 3));
        let old = format!("{start}{x}{end}");
        let new = format!("{start}{y}{end}");
        prop_assert!(old.len() > 2_000 && new.len() > 2_000);
        let diff = word_diff(&old, &new);
        let got: Vec<(WordOp, &str)> = diff.iter().map(|c| (c.op, c.text.as_str())).collect();
        let mut want = Vec::new();
        if head > 0 { want.push((WordOp::Same, start.as_str())); }
        want.push((WordOp::Removed, x.as_str()));
        want.push((WordOp::Added, y.as_str()));
        if tail > 0 { want.push((WordOp::Same, end.as_str())); }
        prop_assert_eq!(got, want);
    }

    /// Large texts sharing most of their words: the `Same` and `Removed` runs give back
    /// the old text, the `Same` and `Added` runs the new text's words, whatever path the
    /// diff took, and the common start and end are `Same`.
    #[test]
    fn a_word_diff_of_large_texts_gives_back_both_texts(
        base in prop::collection::vec(prop::sample::select(vec![
            "请", "检查", "参数", "the", "request", "is", "invalid", "重试", "，", "。", "[文档](https://x)",
            "token", "expired", "限流", "a", "b",
        ]), 400..6_000),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[a-z]{1,8}"), 0..200),
    ) {
        let old: String = base.iter().map(|w| format!("{w} ")).collect();
        let mut new_words: Vec<String> = base.iter().map(|w| (*w).to_owned()).collect();
        for (at, kind, word) in &edits {
            let i = at.index(new_words.len().max(1));
            match kind {
                0 if !new_words.is_empty() => { new_words.remove(i); }
                1 => new_words.insert(i.min(new_words.len()), word.clone()),
                _ => if let Some(w) = new_words.get_mut(i) { *w = word.clone(); },
            }
        }
        let new = new_words.join(" ");
        let diff = word_diff(&old, &new);
        let old_side: String = diff.iter().filter(|c| c.op != WordOp::Added).map(|c| c.text.as_str()).collect();
        prop_assert_eq!(old_side.as_str(), old.trim_end());
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let new_side: String = diff.iter().filter(|c| c.op != WordOp::Removed).map(|c| c.text.as_str()).collect();
        prop_assert_eq!(squeeze(&new_side), squeeze(&new));
        // Runs alternate: no two neighbours with the same op.
        prop_assert!(diff.windows(2).all(|w| w[0].op != w[1].op));
        if edits.is_empty() {
            prop_assert!(diff.iter().all(|c| c.op == WordOp::Same));
        }
    }
}

/// A page of rows `(code, message, advice)` in the `code | msg | advice` style.
fn page(rows: &[(u32, String, String)]) -> String {
    let mut out = String::from("---\ntitle: t\nsource_url: https://example.invalid/p\n---\n");
    out.push_str("最后更新于 2025-08-20\n\n错误码 | 错误信息 | 排查建议\n--- | --- | ---\n");
    for (code, message, advice) in rows {
        out.push_str(&format!("{code} | {message} | {advice}\n"));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(8)))]

    /// Pages of 1,000 to 4,000 rows (up to ~300 KB): the comparison finds exactly the
    /// rows removed and added and the messages and advice changed, and nothing else.
    #[test]
    fn comparing_pages_of_thousands_of_rows_finds_exactly_the_changes(
        n in 1_000usize..4_000,
        changes in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4), 0..150),
        added in 0usize..100,
    ) {
        let old: Vec<(u32, String, String)> = (0..n as u32)
            .map(|i| (10_000 + i * 3, format!("message number {i}"), format!("请检查第 {i} 项，见[文档](https://open.feishu.cn/d/{i})")))
            .collect();
        let mut new = old.clone();
        let (mut removed, mut messages, mut advice) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for (at, kind) in &changes {
            let i = at.index(n);
            let code = old[i].0;
            if removed.contains(&code) || messages.contains(&code) || advice.contains(&code) {
                continue;
            }
            match kind {
                0 => { removed.insert(code); }
                1 => { messages.insert(code); new[i].1 = format!("reworded failure {i}"); }
                _ => { advice.insert(code); new[i].2 = format!("请联系管理员处理第 {i} 项"); }
            }
        }
        new.retain(|r| !removed.contains(&r.0));
        let fresh: BTreeSet<u32> = (0..added as u32).map(|i| 10_001 + i * 3).collect();
        new.extend(fresh.iter().map(|&c| (c, format!("new failure {c}"), "重试".to_owned())));
        let (old_page, new_page) = (page(&old), page(&new));
        prop_assert!(old_page.len() > 2_000);
        let a = Document::parse(&old_page).unwrap();
        let b = Document::parse(&new_page).unwrap();
        prop_assert_eq!(a.rows.len(), n);
        let d = compare(&a, &b);
        let codes = |v: Vec<u32>| v.into_iter().collect::<BTreeSet<u32>>();
        prop_assert_eq!(codes(d.removed.iter().map(|c| c.code).collect()), removed);
        prop_assert_eq!(codes(d.added.iter().map(|c| c.code).collect()), fresh);
        prop_assert_eq!(codes(d.message_changed.iter().map(|c| c.code).collect()), messages);
        prop_assert_eq!(codes(d.advice_changed.iter().map(|c| c.code).collect()), advice);
        prop_assert!(d.duplicates_gained.is_empty() && d.duplicates_lost.is_empty() && d.cosmetic.is_empty());
        for change in &d.advice_changed {
            let old_side: String = change.words.iter().filter(|w| w.op != WordOp::Added).map(|w| w.text.as_str()).collect();
            prop_assert_eq!(old_side.as_str(), change.old.trim_end());
        }
    }
}
