//! Property tests with inputs of 2 KB to a few hundred KB, where a size limit or a
//! size-dependent path exists (issue #11: "proptests with inputs larger than 2 KB where
//! size matters"): the 512-byte message of a plain-text body, a live `msg` longer than
//! [`MAX_MATCH_LEN`], long `permission_violations` / `field_violations` lists, the
//! success fast path on large `data`, and log lines longer than the scanner's carry.
//!
//! Each property compares with a reference: the same input cut where the limit says it
//! is cut, the full parse instead of the fast path, or what the test planted. Case counts
//! are small (the inputs are large); `PROPTEST_CASES` overrides them.

use lark_errors::diagnose::{Diagnoser, Diagnosis, NoHeaders, PermissionViolation, diagnose};
use lark_errors::extract::Scanner;
use lark_errors::template::{MAX_MATCH_LEN, MatchQuality, Template};
use lark_errors::{Category, entries};
use proptest::prelude::*;

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// `text` cut to at most `max` bytes on a character boundary (the reference cut).
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Text of about `len` bytes: words, some CJK, some punctuation, and, when
/// `meaningful`, words the message heuristics and scope reader react to.
fn filler(len: std::ops::Range<usize>, meaningful: bool) -> impl Strategy<Value = String> {
    let words: Vec<&'static str> = if meaningful {
        vec![
            "lorem",
            "ipsum",
            "频率",
            "权限",
            "not found",
            "permission",
            "denied",
            "quota",
            "[bitable:app, docx:document]",
            "[a:b]",
            "code=99991663",
            "timeout",
            "参数",
            "é",
            "—",
            "请稍后重试",
            "x",
            "  ",
            "\t",
        ]
    } else {
        vec!["lorem", "ipsum", "dolor", "sit", "amet", "é", "—", "请看", "文档", "x", " "]
    };
    (prop::collection::vec(prop::sample::select(words), 1..64), len).prop_map(|(pool, len)| {
        let mut out = String::with_capacity(len + 32);
        let mut i = 0usize;
        while out.len() < len {
            out.push_str(pool[i % pool.len()]);
            out.push(' ');
            i = i.wrapping_mul(31).wrapping_add(7) % 1_000_003;
        }
        out
    })
}

/// A diagnosis with its `message` removed, to compare what was decided.
fn decided(d: &Diagnosis) -> Diagnosis {
    let mut d = d.clone();
    d.message = None;
    d
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    /// A body that is not JSON is read as text on its first 512 bytes only: the whole
    /// diagnosis is the one of those 512 bytes, and the message is the start of the body.
    #[test]
    fn a_plain_text_body_is_decided_on_its_first_512_bytes(
        text in filler(2_000..100_000, true),
        lead in prop::sample::select(vec!["gateway busy ", "upstream ", "权限不足 ", "Bad Gateway "]),
        status in prop::sample::select(vec![None, Some(200), Some(429), Some(502), Some(403)]),
    ) {
        let body = format!("{lead}{text}");
        let full = diagnose(status, &NoHeaders, body.as_bytes());
        let head = diagnose(status, &NoHeaders, &body.as_bytes()[..512]);
        prop_assert_eq!(&full, &head);
        let message = full.message.as_deref().expect("a text body has a message");
        // The start of the body, but for a character the 512th byte cuts in two, which
        // the message ends with as U+FFFD (see the ignored test below).
        let start = message.strip_suffix('\u{FFFD}').unwrap_or(message).trim_end();
        prop_assert!(body.starts_with(start), "not the start of the body: …{:?}",
            &message[message.len().saturating_sub(12)..]);
        prop_assert_eq!(start, cut(&body, 512).trim_end());
        prop_assert!(full.parse_error.is_some());
    }

    /// A live `msg` longer than `MAX_MATCH_LEN` is kept whole as the message, and
    /// everything decided from it (entry, match quality, placeholder values, words,
    /// embedded code, scopes) is what its first `MAX_MATCH_LEN` bytes decide.
    #[test]
    fn a_long_msg_is_decided_on_its_first_max_match_len_bytes(
        index in 0..entries().len(),
        tail in filler(MAX_MATCH_LEN..100_000, true),
        status in prop::sample::select(vec![None, Some(200), Some(400), Some(429), Some(500)]),
        api in prop::sample::select(vec![None, Some(("POST", "/open-apis/im/v1/messages")),
            Some(("GET", "/open-apis/contact/v3/users/ou_1"))]),
    ) {
        let entry = &entries()[index];
        let values = vec!["ou_1f2e3d"; entry.placeholders().len()];
        let msg = format!("{} {tail}", entry.render_message(&values));
        prop_assert!(msg.len() > MAX_MATCH_LEN);
        let body = |m: &str| format!(r#"{{"code":{},"msg":{}}}"#, entry.code(), json_string(m));
        let diagnoser = match api {
            Some((method, url)) => Diagnoser::new().request(method, url),
            None => Diagnoser::new(),
        };
        let full = diagnoser.diagnose(status, &NoHeaders, body(&msg).as_bytes());
        let short = diagnoser.diagnose(status, &NoHeaders, body(cut(&msg, MAX_MATCH_LEN)).as_bytes());
        prop_assert_eq!(full.message.as_deref(), Some(msg.as_str()));
        prop_assert_eq!(decided(&full), decided(&short));
        prop_assert_eq!(full.code, Some(i64::from(entry.code())));
        prop_assert!(full.known());
    }

    /// `Template::matches` on a live message longer than `MAX_MATCH_LEN` is the match of
    /// its first `MAX_MATCH_LEN` bytes; a documented message placed wholly before the limit
    /// is found inside it, one placed after the limit is not.
    #[test]
    fn templates_match_within_the_first_max_match_len_bytes(
        index in 0..entries().len(),
        at in prop_oneof![1usize..MAX_MATCH_LEN, MAX_MATCH_LEN - 300..MAX_MATCH_LEN + 300,
            MAX_MATCH_LEN..100_000],
        after in filler(0..8_000, false),
    ) {
        let entry = &entries()[index];
        let message = entry.message();
        // The filler is `~`: a template that starts with a placeholder or holds a `~`
        // could match it, and says nothing about where the limit is.
        prop_assume!(!message.contains('~') && !message.trim_start().starts_with('%'));
        prop_assume!(!message.trim().is_empty());
        let values = vec!["v"; entry.placeholders().len()];
        let filled = entry.render_message(&values);
        let live = format!("{}{filled}{after}", "~".repeat(at));
        let template = Template::new(message);
        let got = template.matches(&live);
        prop_assert_eq!(&got, &template.matches(cut(&live, MAX_MATCH_LEN)));
        if at + filled.len() <= MAX_MATCH_LEN {
            prop_assert_eq!(got.map(|m| m.quality), Some(MatchQuality::Contains), "at {}", at);
        } else if at >= MAX_MATCH_LEN {
            prop_assert!(got.is_none(), "found at {} beyond {}", at, MAX_MATCH_LEN);
        }
    }

    /// Large success bodies (`data` of thousands of items, nested up to past the fast
    /// path's depth and serde_json's) diagnose the same with the fast path and with the
    /// full parse; a body serde_json reads is a success with its `msg` and headers.
    #[test]
    fn large_success_bodies_are_the_same_with_and_without_the_fast_path(
        items in prop::collection::vec(prop::sample::select(vec![
            r#"{"id":"ou_1","n":123456789012345,"ok":true,"tags":["a","b"],"x":null}"#,
            r#"{"name":"文档","size":42,"nested":{"deep":[1,2,[3,{"k":"v"}]]}}"#,
            r#""plain string""#, "1234567890123456", "-7", "1.5", "2e3", r#""esc\"aped""#,
            r#"{"log_id":"inner"}"#, r#"{"challenge_url":"https://x"}"#, r#"{"error":{"message":"m"}}"#,
            "[]", "{}", "false",
        ]), 1_000..4_000),
        depth in 0usize..140,
        msg in prop::sample::select(vec!["success", "ok", "成功", ""]),
        extra in prop::sample::select(vec!["", r#","request_id":"r1""#, r#","log_id":"L""#, r#","hint":"h""#]),
        status in prop::sample::select(vec![None, Some(200), Some(201)]),
    ) {
        let data = format!("{}[{}]{}", "[".repeat(depth), items.join(","), "]".repeat(depth));
        let body = format!(r#"{{"code":0,"msg":{},"data":{{"items":{data}}}{extra}}}"#, json_string(msg));
        prop_assert!(body.len() > 2_000);
        let d = Diagnoser::new();
        let headers = [("x-tt-logid", "H"), ("x-ogw-ratelimit-limit", "50")];
        let fast = d.diagnose(status, &headers, body.as_bytes());
        let full = d.diagnose_without_fast_path(status, &headers, body.as_bytes());
        prop_assert_eq!(&fast, &full);
        // A body serde_json reads as a value is a success (the diagnosis skips what it
        // does not read without a depth limit, so it reads deeper ones too).
        if serde_json::from_str::<serde_json::Value>(&body).is_ok() {
            prop_assert!(fast.is_success());
            prop_assert_eq!(fast.message.as_deref(), Some(msg));
            prop_assert_eq!(fast.rate_limit, Some(50));
            prop_assert!(fast.parse_error.is_none());
        }
    }

    /// Lines longer than the scanner's 64 KiB carry (up to ~300 KB) are scanned through
    /// a window: every planted code is found once, in order, on its line and with its
    /// msg, whatever the chunk size.
    #[test]
    fn codes_on_lines_longer_than_the_carry_are_all_found_whatever_the_chunk_size(
        lines in prop::collection::vec(
            prop::collection::vec((0usize..40_000, 1u32..1_000), 0..12), 1..6),
    ) {
        let mut log = String::new();
        let mut planted = Vec::new();
        let mut next = 7_000_000u32;
        for (n, line) in lines.iter().enumerate() {
            for (gap, word) in line {
                // Filler without a `c`, so it never spells a `code` key.
                log.push_str(&"lorem ipsum dolor sit amet ".repeat(gap / 27 + 1)[..*gap]);
                log.push_str(&format!(r#" {{"code":{next},"msg":"m{word}"}} "#));
                planted.push((next, n as u64 + 1, format!("m{word}")));
                next += 1;
            }
            log.push('\n');
        }
        let total: usize = lines.iter().flatten().map(|(gap, _)| gap).sum();
        prop_assume!(total >= 2_000);
        for chunk in [16 * 1024, 20_011, 1 << 20] {
            let mut hits = Vec::new();
            Scanner::with_chunk_size(chunk).scan(log.as_bytes(), |h| {
                hits.push((h.code, h.line, h.msg.map(|m| m.decode()).unwrap_or_default()));
            });
            prop_assert_eq!(&hits, &planted, "chunk {}", chunk);
        }
    }
}

proptest! {
    // Bodies of up to ~150 KB, built item by item: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(cases(10)))]

    /// Long `permission_violations` and `field_violations` lists (thousands of items)
    /// come back whole and in order; the missing scopes are their subjects, trimmed and
    /// deduplicated in order of first appearance, then the message's bracketed scopes.
    #[test]
    fn long_violation_lists_are_kept_whole_and_their_scopes_deduplicated(
        subjects in prop::collection::vec(
            prop::option::weighted(0.9, prop::sample::select(vec![
                "bitable:app", " docx:document ", "im:message", "contact:user.id:readonly",
                "drive:drive", "", "  ", "im:message", "sheets:spreadsheet",
            ]).prop_flat_map(|s| (Just(s), 0u32..400))
              .prop_map(|(s, n)| if s.trim().is_empty() { s.to_owned() } else { format!("{s}{}", if n % 3 == 0 { String::new() } else { format!("_{n}") }) })),
            50..600),
        fields in prop::collection::vec("[a-z_.]{1,24}", 0..600),
        code in prop::sample::select(vec![99991672i64, 99991679, 7_777_001, 1_999_999_001]),
        msg_scopes in prop::sample::select(vec!["", " required: [im:message, wiki:wiki]", " [x y]"]),
    ) {
        let violations: Vec<String> = subjects.iter().enumerate().map(|(i, s)| match s {
            Some(s) => format!(r#"{{"type":"action_scope_required","subject":{},"description":"d{i}"}}"#, json_string(s)),
            None => format!(r#"{{"type":"action_scope_required","description":"d{i}"}}"#),
        }).collect();
        let field_items: Vec<String> = fields.iter().map(|f| {
            format!(r#"{{"field":{},"value":"v","description":"bad"}}"#, json_string(f))
        }).collect();
        let msg = format!("Access denied.{msg_scopes}");
        let body = format!(
            r#"{{"code":{code},"msg":{},"error":{{"permission_violations":[{}],"field_violations":[{}]}}}}"#,
            json_string(&msg), violations.join(","), field_items.join(","));
        prop_assert!(body.len() > 2_000);
        let d = diagnose(Some(400), &NoHeaders, body.as_bytes());

        let want: Vec<PermissionViolation> = subjects.iter().enumerate().map(|(i, s)| PermissionViolation {
            kind: Some("action_scope_required".to_owned()),
            subject: s.clone(),
            description: Some(format!("d{i}")),
        }).collect();
        prop_assert_eq!(&d.permission_violations, &want);
        let got_fields: Vec<&str> = d.field_violations.iter().map(|f| f.field.as_str()).collect();
        prop_assert_eq!(got_fields, fields.iter().map(String::as_str).collect::<Vec<_>>());

        let mut scopes: Vec<String> = Vec::new();
        let bracketed = msg_scopes
            .split_once('[')
            .map(|(_, rest)| rest.trim_end_matches(']').split([',', ' ']).filter(|s| !s.is_empty()).collect::<Vec<_>>())
            .filter(|items| items.iter().all(|s| s.contains(':')))
            .unwrap_or_default();
        for s in subjects.iter().flatten().map(|s| s.trim()).chain(bracketed) {
            if !s.is_empty() && !scopes.iter().any(|k| k == s) {
                scopes.push(s.to_owned());
            }
        }
        prop_assert_eq!(&d.missing_scopes, &scopes);
        if !lark_errors::is_documented(code as u32) {
            prop_assert_eq!(d.basis, lark_errors::diagnose::Basis::Violations);
            prop_assert_eq!(d.category(), Some(Category::Permission));
        } else {
            prop_assert!(d.known());
        }
    }
}

/// The message of a plain-text body is its first 512 bytes cut on a character boundary
/// (the last one at or before byte 512), never inside a character (which would show a
/// U+FFFD the body does not contain), and invalid bytes, shown as U+FFFD (three bytes
/// each), do not make it longer than 512 bytes.
#[test]
fn a_plain_text_message_is_cut_on_a_character_boundary() {
    for lead in 0..3 {
        // "频" is three bytes: one of the three leads puts a character across byte 512.
        let body = format!("{}{}", "x".repeat(lead), "频率限制".repeat(200));
        let message = diagnose(Some(503), &NoHeaders, body.as_bytes()).message.unwrap();
        assert!(message.len() <= 512, "{} bytes", message.len());
        assert_eq!(message, cut(&body, 512), "lead {lead}");
    }
    for invalid in [1, 200, 511, 600] {
        let mut body = b"gateway ".to_vec();
        body.extend(std::iter::repeat_n(0xFF, invalid));
        let message = diagnose(Some(503), &NoHeaders, &body).message.unwrap();
        assert!(message.len() <= 512, "{invalid}: {} bytes", message.len());
        assert!(message.starts_with("gateway \u{FFFD}"), "{invalid}");
    }
}
