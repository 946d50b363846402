//! `lark_errors::template`: matching live messages against documented templates.
//!
//! Input: `template \0 live` (no NUL: the input is both), plus, from the same bytes, a
//! catalog entry and placeholder values.
//!
//! Properties:
//! - a match's values are slices of the live message, and filling the template with
//!   them gives back the live message (`Exact`), its start (`Prefix`) or a part of it
//!   (`Contains`), ASCII case aside;
//! - every catalog template matches its own filled form (values of letters and digits)
//!   from its start (`Exact` or `Prefix`), and `resolve_match` of that form returns a
//!   match at least as good.
#![no_main]

use lark_errors::template::{MatchQuality, Template};
use libfuzzer_sys::fuzz_target;

/// Live messages are matched on their first 4 KiB (the library's crate-private
/// `template::MAX_MATCH_LEN`).
const MAX_MATCH_LEN: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (template, live) = text.split_once('\0').unwrap_or((&text, &text));
    arbitrary_pair(template, live);
    catalog_entry(data);
});

/// What `Template::matches` compares: trimmed, trailing punctuation dropped.
fn normalize(text: &str) -> &str {
    text.trim().trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '.' | '。' | '!' | '！' | '?' | '？' | ';' | '；' | ',' | '，')
    })
}

fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn arbitrary_pair(template: &str, live: &str) {
    let t = Template::new(template);
    let placeholders = t.placeholders();
    assert_eq!(t.has_placeholders(), !placeholders.is_empty());
    assert!(placeholders.iter().all(|p| *p == "%v" || *p == "%s"));
    // Filling with nothing keeps the template as written.
    assert_eq!(t.fill(&[]), template);
    let Some(m) = t.matches(live) else { return };
    let seen = normalize(truncate(live, MAX_MATCH_LEN));
    for v in &m.values {
        let inside = seen.as_ptr() as usize <= v.as_ptr() as usize
            && v.as_ptr() as usize + v.len() <= seen.as_ptr() as usize + seen.len();
        assert!(inside, "value {v:?} is not a slice of the live message {seen:?}");
    }
    let matched = Template::new(normalize(template));
    assert_eq!(m.values.len(), matched.placeholders().len());
    let refilled = matched.fill(&m.values).to_ascii_lowercase();
    let seen_lower = seen.to_ascii_lowercase();
    match m.quality {
        MatchQuality::Exact => assert_eq!(refilled, seen_lower, "exact match does not refill"),
        MatchQuality::Prefix => {
            assert!(seen_lower.starts_with(&refilled), "prefix match {refilled:?} of {seen:?}")
        }
        _ => assert!(seen_lower.contains(&refilled), "contained match {refilled:?} of {seen:?}"),
    }
}

fn catalog_entry(data: &[u8]) {
    let entries = lark_errors::entries();
    let Some((&pick, rest)) = data.split_first() else { return };
    let Some((&pick2, rest)) = rest.split_first() else { return };
    let entry = &entries[(usize::from(pick) << 8 | usize::from(pick2)) % entries.len()];
    // Values of letters and digits only: whitespace or punctuation at either end of
    // the filled message would be trimmed away with the message's own.
    let words: Vec<String> = rest
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(&w[..w.len().min(64)]).into_owned())
        .take(8)
        .collect();
    let placeholders = entry.placeholders().len();
    if words.len() < placeholders {
        return;
    }
    let values: Vec<&str> = words.iter().map(String::as_str).collect();
    let filled = entry.render_message(&values);
    if filled.len() > MAX_MATCH_LEN {
        return;
    }
    let m = entry.template().matches(&filled).unwrap_or_else(|| {
        panic!("{:?} does not match its filled form {filled:?}", entry.message())
    });
    // The template's own first literal is at the start, and each further literal is
    // found at or before where the filling put it: the match is from the start.
    assert!(m.quality >= MatchQuality::Prefix, "{:?} vs {filled:?}: {m:?}", entry.message());
    let r = lark_errors::resolve_match(entry.code(), &filled).expect("a documented code resolves");
    assert!(r.quality.is_some(), "{filled:?} resolved to {:?} without a match", r.entry.message());
    assert!(r.quality >= Some(m.quality), "resolve_match chose a worse match than the entry's own");
}
