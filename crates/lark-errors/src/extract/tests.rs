use std::io::{self, Read};

use super::key::*;
use super::scanner::*;
use super::time::*;
use super::*;

fn all(text: &str) -> Vec<(u32, Option<String>)> {
    codes(text.as_bytes()).map(|f| (f.code, f.msg.map(|m| m.decode()))).collect()
}

fn one(text: &str) -> Option<(u32, Option<String>)> {
    let found = all(text);
    assert!(found.len() <= 1, "{text}: {found:?}");
    found.into_iter().next()
}

#[test]
fn must_match() {
    let cases: &[(&str, u32, Option<&str>)] = &[
        (
            r#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
            99991400,
            Some("request trigger frequency limit"),
        ),
        (r#"{"code": 99991400, "msg": "x"}"#, 99991400, Some("x")),
        (r#"{"code": "99991400"}"#, 99991400, None),
        (r#"{"code" : 99991663 }"#, 99991663, None),
        ("code=99991663", 99991663, None),
        ("code=99991663 msg=\"Invalid access token\"", 99991663, Some("Invalid access token")),
        ("code: 99991672", 99991672, None),
        ("error code: 99991672.", 99991672, None),
        ("resp.code=99991400", 99991400, None),
        (
            "{Code:99991663 Msg:Invalid access token for authorization. Err:<nil>}",
            99991663,
            Some("Invalid access token for authorization."),
        ),
        (
            "msg:request trigger frequency limit,code:99991400",
            99991400,
            Some("request trigger frequency limit"),
        ),
        ("msg:no such thing,code:1254040", 1254040, Some("no such thing")),
        (r#"body="{\"code\":1254040,\"msg\":\"say \\\"hi\\\"\"}""#, 1254040, Some("say \"hi\"")),
        (
            r#"{"code":230001,"msg":"\u8bf7\u6c42\u53c2\u6570\u9519\u8bef"}"#,
            230001,
            Some("请求参数错误"),
        ),
        ("code='1500'", 1500, None),
        ("\"code\"=>99991400", 99991400, None),
        ("code=600", 600, None),
        ("code=1002 bye", 1002, None),
        ("code=12345, msg='custom failure'", 12345, Some("custom failure")),
        ("code=12345 log_id=20250301 msg=oops", 12345, Some("oops")),
        ("(code=99991400)", 99991400, None),
        ("code=99991400\n", 99991400, None),
    ];
    for &(text, want, msg) in cases {
        let got = one(text);
        assert_eq!(got, Some((want, msg.map(str::to_owned))), "{text}");
    }
}

#[test]
fn up_to_eight_spaces_or_tabs_on_each_side_of_the_separator() {
    for (before, after, found) in
        [(8, 8, true), (0, 8, true), (8, 0, true), (9, 0, false), (0, 9, false)]
    {
        let text = format!("code{}={}99991400", " ".repeat(before), "\t".repeat(after));
        assert_eq!(one(&text).is_some(), found, "{text:?}");
        // Far into a line as at its start.
        let text = format!("{}{text}", "x ".repeat(40));
        assert_eq!(one(&text).is_some(), found, "{text:?}");
    }
}

#[test]
fn values_of_ten_digits_escaped_quotes_and_keys_in_both_cases() {
    // Ten digits is a code when it fits 32 bits; eleven never is.
    assert_eq!(one("code=4294967295 msg=x"), Some((4294967295, Some("x".into()))));
    assert_eq!(one("code=1000000000 msg=x"), Some((1000000000, Some("x".into()))));
    assert_eq!(one("code=10000000000 msg=x"), None);
    // A value in escaped quotes, as in JSON inside a JSON string: the msg after it.
    let escaped = r#"{\"code\":\"99991400\",\"msg\":\"limited\"}"#;
    assert_eq!(one(escaped), Some((99991400, Some("limited".into()))));
    let value_end = escaped.find("99991400").unwrap() + 8 + 2;
    assert_eq!(codes(escaped.as_bytes()).next().map(|f| f.value_end), Some(value_end));
    let quoted = r#"{"code":"99991400","msg":"limited"}"#;
    let value_end = quoted.find("99991400").unwrap() + 8 + 1;
    assert_eq!(codes(quoted.as_bytes()).next().map(|f| f.value_end), Some(value_end));
    assert_eq!(one(r#"{\"code\":\"99991400\",\"msg\":\"limited"#).map(|f| f.0), Some(99991400));
    assert_eq!(one(r#"{\"code\":\"99991400x\",\"msg\":\"limited\"}"#), None, "unclosed");
    assert_eq!(one(r#"{\"code\":\"99991400"#), None, "unclosed at the end");
    // `Code` before `code` on a line: found in the order written.
    let both: Vec<u32> = all("Code=1254040 msg=a code=99991400 msg=b Code=1254041 msg=c")
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(both, [1254040, 99991400, 1254041]);
    // Pretty-printed JSON whose value line is the last: no msg, no reading past the end.
    assert_eq!(one("{\n  \"code\": 99991400,\n"), Some((99991400, None)));
    assert_eq!(one("{\n  \"code\": 99991400,\n  "), Some((99991400, None)));
}

#[test]
fn msg_values_their_limits_escapes_and_empty_words() {
    let msg = |text: &str| one(text).and_then(|f| f.1);
    // Kept up to MAX_MSG_LEN raw bytes; a value cut by the end of the text is kept.
    let long = "a".repeat(MAX_MSG_LEN + 44);
    assert_eq!(
        msg(&format!(r#"{{"code":99991400,"msg":"{long}"}}"#)).map(|m| m.len()),
        Some(MAX_MSG_LEN)
    );
    assert_eq!(msg(r#"{"code":99991400,"msg":"abc"#).as_deref(), Some("abc"));
    assert_eq!(
        msg(r#"{"code":99991400,"msg":"ab\"#).as_deref(),
        Some("ab\\"),
        "a lone escape kept"
    );
    // An escaped quote does not end a JSON string.
    assert_eq!(
        msg(r#"{"code":99991400,"msg":"say \"hi\" now"}"#).as_deref(),
        Some(r#"say "hi" now"#)
    );
    for empty in ["null", "nil", "<nil>"] {
        assert_eq!(one(&format!("code=99991400 msg={empty}")), Some((99991400, None)), "{empty}");
    }
    // The next line's msg after indentation of up to 64 blanks.
    for (blanks, found) in [(64, true), (65, false)] {
        let text = format!("{{\n  \"code\": 99991400,\n{}\"msg\": \"x\"\n}}", " ".repeat(blanks));
        assert_eq!(msg(&text).is_some(), found, "{blanks} blanks");
    }
}

#[test]
fn escaped_and_bare_msgs_end_where_their_text_does() {
    let msg = |text: &str| one(text).and_then(|f| f.1);
    // JSON inside a JSON string: outer escapes decoded, the inner closing quote ends it.
    assert_eq!(msg(r#"{\"code\":99991400,\"msg\":\"a\\nb\"}"#).as_deref(), Some("a\nb"));
    assert_eq!(
        msg(r#"{\"code\":99991400,\"msg\":\"a\nb\"}"#).as_deref(),
        Some("a\nb"),
        "one escape"
    );
    assert_eq!(
        msg(r#"{\"code\":99991400,\"msg\":\"say \\\"hi\\\"\"}"#).as_deref(),
        Some(r#"say "hi""#)
    );
    // An unescaped quote, a newline, or the end of the text end it too.
    assert_eq!(msg(r#"{\"code\":99991400,\"msg\":\"ab"}"#).as_deref(), Some("ab"));
    assert_eq!(msg("{\\\"code\\\":99991400,\\\"msg\\\":\\\"ab\ncd\\\"}").as_deref(), Some("ab"));
    assert_eq!(msg(r#"{\"code\":99991400,\"msg\":\"abc"#).as_deref(), Some("abc"));
    // A bare msg ends at the next key, not at a lone colon.
    assert_eq!(msg("code=99991400 msg=too many,level=warn").as_deref(), Some("too many"));
    assert_eq!(msg("code=99991400 msg=too many level=warn").as_deref(), Some("too many"));
    assert_eq!(msg("code=99991400 msg=ratio 1 : 2").as_deref(), Some("ratio 1 : 2"));
}

#[test]
fn the_go_sdk_msg_before_its_code() {
    let msg = |text: &str| one(text).and_then(|f| f.1);
    assert_eq!(msg("level=error msg:no such app,code:1254040").as_deref(), Some("no such app"));
    // At most MAX_MSG_LEN bytes of msg before the code.
    let fits = "m".repeat(MAX_MSG_LEN);
    assert_eq!(msg(&format!("x msg:{fits},code:1254040")), Some(fits.clone()));
    assert_eq!(msg(&format!("x msg:{fits}m,code:1254040")), None);
    // Only on the code's own line.
    assert_eq!(msg("x msg:old\nnothing,code:1254040"), None);
    assert_eq!(msg("msg:old\nmsg:new,code:1254040").as_deref(), Some("new"));
}

#[test]
fn blank_lines_at_chunk_edges_keep_line_numbers_and_the_summary_counts() {
    // Every other line empty, so many a chunk starts with a newline.
    let mut log = Vec::new();
    let mut want = Vec::new();
    for i in 0..20_000u32 {
        if i % 3 == 0 {
            log.extend_from_slice(format!("code={} msg=m\n", 1_254_000 + i % 50).as_bytes());
            want.push((1_254_000 + i % 50, u64::from(2 * i + 1)));
        } else {
            log.extend_from_slice(format!("{:030}\n", i).as_bytes());
        }
        log.push(b'\n');
    }
    for chunk in [MIN_CHUNK, 20_000, 65_536] {
        let mut got = Vec::new();
        let summary =
            Scanner::with_chunk_size(chunk).scan(&log[..], |h| got.push((h.code, h.line)));
        assert_eq!(got, want, "chunk {chunk}");
        assert_eq!(summary.hits, want.len() as u64);
        assert_eq!(summary.lines, 40_000);
        assert_eq!(summary.bytes, log.len() as u64);
    }
}

#[test]
fn found_codes_say_whether_the_catalog_documents_them() {
    let found: Vec<(u32, bool)> =
        codes(b"code=99991400 code=7777001 msg=x").map(|f| (f.code, f.is_documented())).collect();
    assert_eq!(found, [(99991400, true), (7777001, false)]);
    assert_eq!(one(r#"{\"code\":99991400}"#), Some((99991400, None)), "an escaped quote opens it");
}

#[test]
fn must_not_match() {
    for text in [
        "code=200",
        r#"{"code":404,"msg":"not found"}"#,
        r#""status_code": 404"#,
        "status_code=429 msg=x",
        r#"{"error_code":12345,"msg":"x"}"#,
        "errcode=40001",
        "http-code=99991400",
        "codes=99991400",
        "code_id=99991400",
        "CODE=99991400",
        "xcode=99991400",
        "code=0 msg=success",
        r#"{"code":0,"msg":"success"}"#,
        "code=12345",
        "code=12345 msg=\"\"",
        "code=12345 msg=null",
        "code=99991400ms",
        "code=1.5",
        "code=99991400.5",
        "code=99991400,5",
        "code=0099991400",
        "code=99999999999",
        "code=4294967296 msg=x",
        "code=\"99991400",
        "code 99991400",
        "code=-99991400",
        "code=abc",
        // A backslash opens a value only as the escaped quote `\"`.
        r"code=\199991400",
        r"code:\'99991400",
        r#"code=\x99991400\" msg=a"#,
        "zip code: 10118",
        "code=12345 error_msg=x",
        "code=12345 msg_id=x",
        r#"{"level":"error","msg":"db failed","code":1062}"#,
        "code=12345 hello there, this is not the message at all, and the key of the message comes far too late for it to count as next to the code: msg=x",
    ] {
        assert_eq!(all(text), [], "{text}");
    }
}

#[test]
fn pretty_printed_json_takes_msg_from_the_next_line() {
    let text = "{\n  \"code\": 7777040,\n  \"msg\": \"pretty\"\n}";
    assert_eq!(one(text), Some((7777040, Some("pretty".into()))));
    // Not when the code's line goes on with something else.
    assert_eq!(all("code=7777040 other\nmsg=x"), []);
    assert_eq!(all("code=7777040\nmsg=x"), []);
    assert_eq!(all("{\"code\": 7777040,\n  \"data\": {},\n  \"msg\": \"x\"}"), []);
    assert_eq!(
        one("{\"code\": \"7777040\",\r\n\t\"msg\": \"crlf\"}"),
        Some((7777040, Some("crlf".into())))
    );
}

#[test]
fn scanner_dedupes_per_line_and_counts_lines() {
    let log = "code=99991400 code=99991400 code=99991663\n\ncode=99991400";
    let mut hits = Vec::new();
    let s = Scanner::new().scan(log.as_bytes(), |h| hits.push((h.code, h.line, h.offset)));
    assert_eq!(hits, [(99991400, 1, 0), (99991663, 1, 28), (99991400, 3, 43)]);
    assert_eq!(s.lines, 3);
    assert_eq!(s.bytes, log.len() as u64);
    let s = Scanner::new().scan(&b""[..], |_| panic!());
    assert_eq!(s.lines, 0);
}

#[test]
fn scanner_stops_at_nul() {
    let log = b"code=99991400\nxx\0 code=99991663\n";
    let mut hits = Vec::new();
    let s = Scanner::new().scan(&log[..], |h| hits.push(h.code));
    assert_eq!(hits, [99991400]);
    assert_eq!(s.binary_at, Some(16));
}

/// Scans `log` with a small chunk size, feeding it in odd-sized reads.
/// A hit as owned values: code, line, offset, msg, unix time.
type Owned = (u32, u64, u64, Option<String>, Option<i64>);

fn scan_chunked(log: &[u8], chunk: usize) -> Vec<Owned> {
    struct Dribble<'a>(&'a [u8], usize);
    impl Read for Dribble<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(self.0.len()).min(self.1);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            self.1 = self.1 % 9973 + 7919;
            Ok(n)
        }
    }
    let mut hits = Vec::new();
    Scanner::with_chunk_size(chunk).scan(Dribble(log, 1), |h| {
        hits.push((
            h.code,
            h.line,
            h.offset,
            h.msg.map(|m| m.decode()),
            h.time.map(Timestamp::unix),
        ))
    });
    hits
}

#[test]
fn chunk_boundaries_and_long_lines_change_nothing() {
    let mut log = Vec::new();
    for i in 0..3000u32 {
        log.extend_from_slice(
            format!("2025-03-01T00:{:02}:{:02}Z ", i / 60 % 60, i % 60).as_bytes(),
        );
        if i % 7 == 0 {
            log.extend_from_slice(
                format!("{{\"code\":99991400,\"msg\":\"limit {i}\"}}").as_bytes(),
            );
        }
        if i % 500 == 3 {
            // a line of 300 KiB with codes throughout
            for j in 0..3000 {
                log.extend_from_slice(
                    format!(" pad{j:096} code={} msg=m{j}", 1_254_040 + j).as_bytes(),
                );
            }
        }
        log.push(b'\n');
    }
    let reference: Vec<_> = scan_chunked(&log, 64 << 20);
    assert!(reference.len() > 400);
    // Inside the long lines the timestamp is still the line's.
    assert!(reference.iter().all(|h| h.4.is_some()));
    for chunk in [MIN_CHUNK, 20_000, 65_536, 100_003] {
        assert_eq!(scan_chunked(&log, chunk), reference, "chunk {chunk}");
    }
}

#[test]
fn timestamps() {
    let t = |s: &str| find_timestamp(s.as_bytes()).map(|t| t.to_string());
    assert_eq!(t("2025-03-01T08:00:00Z").as_deref(), Some("2025-03-01T08:00:00"));
    assert_eq!(t("at 2025-03-01 08:00:00,123 INFO").as_deref(), Some("2025-03-01T08:00:00"));
    assert_eq!(t("2025/03/01 08:00:00 x").as_deref(), Some("2025-03-01T08:00:00"));
    assert_eq!(t("2025-03-01T08:00:00+0800").as_deref(), Some("2025-03-01T00:00:00"));
    assert_eq!(t("2025-03-01T08:00:00-05").as_deref(), Some("2025-03-01T13:00:00"));
    assert_eq!(t("2025-03-01T00:30:00+01:00").as_deref(), Some("2025-02-28T23:30:00"));
    assert_eq!(t("12025-03-01T08:00:00").as_deref(), None);
    assert_eq!(t("2025/03-01 08:00:00").as_deref(), None);
    assert_eq!(t("2025/03/01T08:00:00").as_deref(), None);
    assert_eq!(t("2025-03-01T08:00:001").as_deref(), None);
    assert_eq!(t("1970-01-01T00:00:00").as_deref(), Some("1970-01-01T00:00:00"));
    assert_eq!(find_timestamp(b"1970-01-01T00:00:00").unwrap().unix(), 0);
    assert_eq!(t("2000-02-29 23:59:60").as_deref(), Some("2000-03-01T00:00:00"));
}

#[test]
fn timestamp_fields_their_bounds_fractions_and_offsets() {
    let p = |s: &str| parse_timestamp(s.as_bytes()).map(|t| t.to_string());
    assert_eq!(parse_timestamp(b"2025-03-01T08:00:00Z").map(Timestamp::unix), Some(1_740_816_000));
    assert_eq!(Timestamp::from_unix(1_740_816_000).unix(), 1_740_816_000);
    // Every field at its bounds: the last valid value and the first invalid one.
    for (text, ok) in [
        ("1900-01-01 00:00:00", true),
        ("1899-12-31 23:59:59", false),
        ("9999-12-31 23:59:59", true),
        ("2025-00-01 00:00:00", false),
        ("2025-12-01 00:00:00", true),
        ("2025-13-01 00:00:00", false),
        ("2025-01-00 00:00:00", false),
        ("2025-01-31 00:00:00", true),
        ("2025-01-32 00:00:00", false),
        ("2025-01-01 23:00:00", true),
        ("2025-01-01 24:00:00", false),
        ("2025-01-01 00:59:00", true),
        ("2025-01-01 00:60:00", false),
        ("2025-01-01 00:00:60", true),
        ("2025-01-01 00:00:61", false),
        // Each separator of the clock on its own.
        ("2025-01-01 08x00:00", false),
        ("2025-01-01 08:00x00", false),
    ] {
        assert_eq!(p(text).is_some(), ok, "{text}");
    }
    // A fraction is skipped and the offset after it applies; a point without digits
    // ends the timestamp (what follows is no offset).
    assert_eq!(p("2025-03-01T08:00:00.123+01:00").as_deref(), Some("2025-03-01T07:00:00"));
    assert_eq!(p("2025-03-01T08:00:00,5-0130").as_deref(), Some("2025-03-01T09:30:00"));
    assert_eq!(p("2025-03-01T08:00:00.+01:00").as_deref(), Some("2025-03-01T08:00:00"));
    assert_eq!(p("2025-03-01T08:00:00+01").as_deref(), Some("2025-03-01T07:00:00"));
    assert_eq!(p("2025-03-01T08:00:00+05:30").as_deref(), Some("2025-03-01T02:30:00"));
    assert_eq!(p("2025-03-01T08:00:00-05:45").as_deref(), Some("2025-03-01T13:45:00"));
    assert_eq!(
        p("2025-03-01T08:00:00+01:60").as_deref(),
        Some("2025-03-01T08:00:00"),
        "no such offset"
    );
    assert_eq!(
        p("2025-03-01T08:00:00+24:00").as_deref(),
        Some("2025-03-01T08:00:00"),
        "no such offset"
    );
    assert_eq!(
        p("2025/03/01 08:00:00+01:00").as_deref(),
        Some("2025-03-01T08:00:00"),
        "slashes: local"
    );
}

#[test]
fn newline_count_matches_naive() {
    let mut bytes = Vec::new();
    for i in 0..100_000u32 {
        bytes.push(if i % 7 == 0 || i % 13 == 5 { b'\n' } else { (i % 251) as u8 });
    }
    for len in [0, 1, 31, 32, 33, 8159, 8160, 8161, 100_000] {
        let s = &bytes[..len];
        assert_eq!(count_newlines(s), s.iter().filter(|&&b| b == b'\n').count() as u64);
    }
}

mod props {
    use proptest::prelude::*;

    use super::super::*;
    use super::scan_chunked;
    use super::{code_at, find_timestamp, parse_timestamp};

    /// Pieces of log text that exercise the rules, for composing inputs.
    const PIECES: &[&str] = &[
        "code",
        "Code",
        "code=",
        "\"code\":",
        "\\\"code\\\":",
        "code: ",
        "=>",
        "msg",
        "msg=",
        "\"msg\":\"",
        "Msg:",
        "msg:",
        "status_",
        "99991400",
        "1254040",
        "404",
        "0",
        "1002",
        "4294967296",
        "\"",
        "'",
        "\\",
        "\\u8bf7",
        "\\ud83d\\ude00",
        ",",
        " ",
        "\t",
        "\n",
        "\n",
        "}",
        "{",
        "2025-03-01T08:00:00Z",
        "2025/03/01 08:00:00",
        "+08:00",
        ".5",
        "\u{fffd}",
        "请求",
        "x",
    ];

    fn log_text() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
                1 => prop::collection::vec(any::<u8>(), 0..8),
            ],
            0..400,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            for f in codes(&bytes) {
                prop_assert!(counts(f.code, f.msg.is_some()));
                prop_assert!(f.value_end <= bytes.len());
                if let Some(m) = f.msg {
                    prop_assert!(m.raw().len() <= MAX_MSG_LEN);
                    let _ = m.decode();
                }
            }
            for i in 0..bytes.len() {
                let _ = code_at(&bytes, i);
                let _ = parse_timestamp(&bytes[i..]);
            }
            let _ = find_timestamp(&bytes);
            for q in [Quoting::Json, Quoting::EscapedJson, Quoting::Single, Quoting::Bare] {
                let _ = Msg::new(&bytes, q).decode();
            }
            Scanner::with_chunk_size(0).scan(&bytes[..], |_| {});
        }

        #[test]
        fn scanner_agrees_with_codes(text in log_text()) {
            let text: Vec<u8> = text.into_iter().map(|b| if b == 0 { b'x' } else { b }).collect();
            let mut expected: Vec<(u64, u32, Option<String>)> = Vec::new();
            for f in codes(&text) {
                let line = 1 + count_newlines(&text[..f.key]);
                if !expected.iter().any(|(l, c, _)| *l == line && *c == f.code) {
                    expected.push((line, f.code, f.msg.map(|m| m.decode())));
                }
            }
            let mut got = Vec::new();
            let summary = Scanner::new().scan(&text[..], |h| {
                got.push((h.line, h.code, h.msg.map(|m| m.decode())));
            });
            prop_assert_eq!(got, expected);
            prop_assert_eq!(summary.bytes, text.len() as u64);
            let lines = count_newlines(&text) + u64::from(text.last().is_some_and(|&b| b != b'\n'));
            prop_assert_eq!(summary.lines, lines);
        }

        #[test]
        fn chunk_size_changes_nothing(text in log_text(), repeat in 1usize..120) {
            let mut log = Vec::new();
            for i in 0..repeat {
                log.extend_from_slice(&text);
                log.extend_from_slice(format!("\n{i} code={} msg=x\n", 1_254_000 + i).as_bytes());
            }
            let reference = scan_chunked(&log, 64 << 20);
            prop_assert_eq!(scan_chunked(&log, 16 * 1024), reference.clone());
            prop_assert_eq!(scan_chunked(&log, 20_011), reference);
        }
    }
}

#[test]
fn every_rule_has_an_example_and_every_example_holds() {
    let bullets: Vec<&str> =
        RULES.lines().filter_map(|l| l.trim_start().strip_prefix("* ")).collect();
    assert_eq!(bullets.len(), RULE_EXAMPLES.len(), "one example per rule");
    for (bullet, (rule, log, want)) in bullets.iter().zip(RULE_EXAMPLES) {
        assert!(bullet.starts_with(rule), "{bullet:?} has no example (next is {rule:?})");
        let mut got = Vec::new();
        Scanner::new().scan(log.as_bytes(), |h| {
            got.push((h.code, h.msg.map(|m| m.decode()), h.time.map(|t| t.to_string())));
        });
        let want: Vec<_> =
            want.iter().map(|(c, m, t)| (*c, m.map(str::to_owned), t.map(str::to_owned))).collect();
        assert_eq!(got, want, "rule {rule:?}");
    }
}

#[test]
fn a_line_of_many_codes_is_deduplicated_in_linear_time() {
    // 800,000 distinct codes on one line: minutes if each were compared with all before.
    let n = 800_000u32;
    let mut line = String::with_capacity(n as usize * 40);
    for i in 0..n {
        line.push_str(&format!("code={} msg=m ", 1_000_000 + i));
    }
    line.push_str("code=1000007 msg=m\nnext code=1000007 msg=m\n");
    let mut hits = 0u64;
    let mut last = (0, 0);
    let summary = Scanner::new().scan(line.as_bytes(), |h| {
        hits += 1;
        last = (h.code, h.line);
    });
    assert_eq!(hits, u64::from(n) + 1);
    assert_eq!(last, (1_000_007, 2));
    assert_eq!(summary.lines, 2);
}
