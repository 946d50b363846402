//! Resolving a code plus a live `msg` to one entry, and matching message templates.

use lark_errors::template::MatchQuality;
use lark_errors::{lookup, resolve, resolve_match};

const DUPLICATED: [u32; 4] = [40001, 40003, 40008, 99992364];

/// Live variants of a documented message that must still resolve to it.
fn variants(message: &str) -> Vec<String> {
    vec![
        message.to_owned(),
        message.to_uppercase(),
        format!("  {message}.  "),
        format!("{message}. Please check the request and try again."),
        format!("{message}，详情见 https://open.feishu.cn/document/x"),
    ]
}

#[test]
fn duplicated_codes_pick_the_entry_whose_message_matches() {
    for code in DUPLICATED {
        let entries = lookup(code);
        assert_eq!(entries.len(), 2, "{code}");
        assert!(entries[0].line() < entries[1].line(), "{code}: document order");
        for entry in entries {
            let sample = entry.render_message(&["ou_7d8a6e6df7621556ce0d21922b676706ccs"]);
            for live in variants(&sample) {
                let got = resolve(code, &live).unwrap();
                assert!(
                    std::ptr::eq(got, entry),
                    "{code} {live:?} resolved to {:?}",
                    got.message()
                );
            }
        }
    }
}

#[test]
fn a_single_entry_is_returned_even_when_the_msg_differs() {
    // Real live messages (tests/fixtures/responses.jsonl) that differ from the table.
    let e = resolve(99991677, "Authentication token expired.").unwrap();
    assert_eq!(e.message(), "token expire");
    let e = resolve(10003, "invalid param").unwrap();
    assert_eq!(e.message(), "invalid parameter");
    let r = resolve_match(99991677, "completely different").unwrap();
    assert_eq!(r.quality, None);
    assert!(resolve(4242, "x").is_none());
}

#[test]
fn a_duplicated_code_with_an_unmatched_msg_falls_back_to_document_order() {
    let r = resolve_match(40003, "something else entirely").unwrap();
    assert_eq!(r.quality, None);
    assert!(std::ptr::eq(r.entry, &lookup(40003)[0]));
}

/// Values that look like what the platform fills in.
const SAMPLES: [&str; 3] = ["ou_3a1b2c", "[od-1 od-2]", "10.20.30.40"];

#[test]
fn every_templated_message_matches_itself_filled_and_extracts_the_values() {
    let templated: Vec<_> =
        lark_errors::entries().iter().filter(|e| !e.placeholders().is_empty()).collect();
    assert_eq!(templated.len(), 35, "the 2025 page has 35 templated messages");
    for entry in templated {
        let n = entry.placeholders().len();
        for sample in SAMPLES {
            let values = vec![sample; n];
            let live = entry.render_message(&values);
            assert!(!live.contains("%v") && !live.contains("%s"));
            let m = entry.template().matches(&live).unwrap_or_else(|| panic!("{entry}: {live}"));
            assert_eq!(m.quality, MatchQuality::Exact, "{entry}: {live}");
            assert_eq!(m.values, values, "{entry}: {live}");
            let r = resolve_match(entry.code(), &live).unwrap();
            assert!(std::ptr::eq(r.entry, entry), "{entry}: {live}");
            assert_eq!(r.values, values);
        }
    }
}

#[test]
fn issue_example_ip_denied() {
    let r = resolve_match(99991401, "ip 8.8.8.8 is denied by app setting").unwrap();
    assert_eq!(r.values, ["8.8.8.8"]);
    assert_eq!(r.quality, Some(MatchQuality::Exact));
}

#[test]
fn every_entry_resolves_to_itself_from_its_documented_message() {
    for entry in lark_errors::entries() {
        let got = resolve(entry.code(), entry.message()).unwrap();
        assert!(std::ptr::eq(got, entry), "{entry}");
    }
}
