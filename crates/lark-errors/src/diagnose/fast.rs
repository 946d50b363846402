//! The success fast path: a body that is plainly the platform's success envelope
//! (`{"code":0,"msg":"success","data":{...}}`) read without serde.
//!
//! [`success`] answers only for bodies whose full read ([`super::body::read`]) is known
//! to give `code: 0`, the same `msg` and nothing else, so a diagnosis built from its
//! answer is the one the full read gives (a property test and the `diagnose_body` fuzz
//! target compare the two). It is conservative, not complete: whatever falls outside
//! the narrow grammar below gets `None`, and the caller reads the body in full.
//!
//! The grammar (a subset of JSON that serde_json and every visitor of `body.rs` read
//! without error, and whose only parts a diagnosis uses are `code` and `msg`):
//!
//! - JSON whitespace, one object, JSON whitespace; no byte order mark;
//! - top-level keys: `code` exactly once, with the value `0` (not `0.0`, `-0` or `"0"`);
//!   `msg` at most once, a string; `data` at most once, any value, but when an object
//!   without the `challenge_url` or `hint` keys (the two a diagnosis reads from it); any
//!   other key only when the full read ignores it (not one of the keys it reads at any
//!   level: `log_id`, `error`, `error_description`, ...);
//! - strings without a backslash or a control character; the whole body valid UTF-8;
//! - numbers: integers of at most 15 digits, without fraction or exponent;
//! - `true`, `false`, `null`; nesting at most [`MAX_DEPTH`] deep.
//!
//! It reads each byte once: linear in the body, no allocation.

use super::body::{Name, name_of};

/// The deepest nesting the fast path follows (serde_json's own limit is 128).
const MAX_DEPTH: usize = 32;

/// The `msg` of a body that is plainly a success (`Some(None)`: one without `msg`), or
/// `None` when the body needs the full read.
pub(super) fn success(body: &[u8]) -> Option<Option<&str>> {
    // Valid UTF-8 as a whole (one check, the cheaper one first: the envelope is
    // usually ASCII), so every string between ASCII quotes is too.
    if !body.is_ascii() {
        std::str::from_utf8(body).ok()?;
    }
    let mut s = Scan { b: body, i: 0 };
    s.ws();
    s.eat(b'{')?;
    let (mut code, mut msg, mut data) = (false, None, false);
    s.ws();
    // Members until the closing brace; `{}` has no code, so it is not a success and
    // the first key's `string()` already refuses it.
    loop {
        let key = s.string()?;
        s.ws();
        s.eat(b':')?;
        s.ws();
        match name_of(key) {
            Name::Code if !code => {
                s.eat(b'0')?;
                code = true;
            }
            // Valid UTF-8 (the body is), so the conversion only checks again.
            Name::Msg if msg.is_none() => msg = Some(std::str::from_utf8(s.string()?).ok()?),
            Name::Data if !data => {
                s.value(1, true)?;
                data = true;
            }
            Name::Other => s.value(1, false)?,
            _ => return None,
        }
        s.ws();
        match s.next()? {
            b',' => s.ws(),
            b'}' => break,
            _ => return None,
        }
    }
    s.ws();
    (code && s.i == body.len()).then_some(msg)
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// JSON's whitespace (not `is_ascii_whitespace`, which has form feed).
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// A string without escapes or control characters; its bytes between the quotes.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let rest = self.b.get(self.i..)?;
        let len = rest.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if rest[len] != b'"' {
            return None;
        }
        self.i += len + 1;
        Some(&rest[..len])
    }

    /// An integer of at most 15 digits.
    fn integer(&mut self) -> Option<()> {
        if self.peek()? == b'-' {
            self.i += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => {
                let mut digits = 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    digits += 1;
                    self.i += 1;
                }
                if digits > 15 {
                    return None;
                }
            }
            _ => return None,
        }
        // A fraction or exponent, or a digit after a leading zero: not this grammar.
        (!matches!(self.peek(), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))).then_some(())
    }

    /// Any value of the grammar at nesting `depth`; `data`: an object that must not have
    /// the keys a diagnosis reads from `data`.
    fn value(&mut self, depth: usize, data: bool) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(depth + 1, data),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(|_| ()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.integer(),
        }
    }

    fn object(&mut self, depth: usize, data: bool) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            if data && matches!(name_of(key), Name::ChallengeUrl | Name::Hint) {
                return None;
            }
            self.ws();
            self.eat(b':')?;
            self.ws();
            self.value(depth, false)?;
            self.ws();
            match self.next()? {
                b',' => self.ws(),
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            self.value(depth, false)?;
            self.ws();
            match self.next()? {
                b',' => self.ws(),
                b']' => return Some(()),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{Diagnoser, body};
    use super::success;
    use crate::platform::header;

    /// The fast path and the full read agree on `body`: when the fast path answers, the
    /// full read gives `code: 0`, the same `msg` and nothing else, and the diagnoses
    /// under a few statuses and headers are equal.
    fn agree(body: &[u8]) -> bool {
        let headers = [(header::LOG_ID, " L1 "), (header::RATELIMIT_LIMIT, "50")];
        let d = Diagnoser::new();
        for status in [None, Some(200), Some(400), Some(429)] {
            assert_eq!(
                d.diagnose(status, &headers[..], body),
                d.diagnose_without_fast_path(status, &headers[..], body),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        match success(body) {
            Some(msg) => {
                let (full, error) = body::read(body);
                assert_eq!(error, None, "{:?}", String::from_utf8_lossy(body));
                let fast = super::super::ErrorBody {
                    code: Some(0),
                    msg: msg.map(str::to_owned),
                    ..Default::default()
                };
                assert_eq!(full, fast, "{:?}", String::from_utf8_lossy(body));
                true
            }
            None => false,
        }
    }

    #[test]
    fn plain_successes_take_the_fast_path() {
        for body in [
            r#"{"code":0,"msg":"success","data":{}}"#,
            r#"{"code":0}"#,
            " \r\n\t{ \"code\" : 0 , \"msg\" : \"成功\" } \n",
            r#"{"data":{"items":[{"chat_id":"oc_1","code":7,"msg":"x","error":{"log_id":"n"}}],
                "has_more":false,"page_token":null,"total":-12},"msg":"ok","code":0,"extra":true}"#,
            r#"{"code":0,"data":[1,"hint",{"challenge_url":"nested, not data's own"}]}"#,
            // Empty containers, alone and nested.
            r#"{"code":0,"data":{"items":[],"ids":[[]],"more":[{}],"x":{"y":{}}}}"#,
            // The longest integer of the grammar: 15 digits.
            r#"{"code":0,"data":{"n":123456789012345,"m":-999999999999999}}"#,
            // Zeros inside `data` (only `code` must be exactly `0`; they may be anything).
            r#"{"code":0,"data":{"total":0,"offset":-0,"pages":[0,10,-20]}}"#,
        ] {
            assert!(agree(body.as_bytes()), "not on the fast path: {body}");
        }
    }

    #[test]
    fn everything_else_falls_through() {
        for body in [
            "\u{FEFF}{\"code\":0}",
            r#"{"code":0.0}"#,
            r#"{"code":-0}"#,
            r#"{"code":"0"}"#,
            r#"{"code":00}"#,
            r#"{"code":0e0}"#,
            r#"{"code":0,"code":1}"#,
            // `code` exactly once, even when each says 0.
            r#"{"code":0,"code":0}"#,
            // No code at all (a success at 2xx, but the full read's to say).
            "{}",
            " { } ",
            r#"{"code":1,"code":0}"#,
            r#"{"c\u006fde":0}"#,
            r#"{"code":0,"msg":"a\"b"}"#,
            // Escapes the full read decodes, and a raw control character it refuses.
            r#"{"code":0,"msg":"a\\b"}"#,
            r#"{"code":0,"msg":"a\nb"}"#,
            r#"{"code":0,"msg":"a\u0062"}"#,
            "{\"code\":0,\"msg\":\"a\tb\"}",
            "{\"code\":0,\"x\":\"\u{1f}\"}",
            r#"{"code":0,"msg":7}"#,
            r#"{"code":0,"msg":"x","msg":"y"}"#,
            r#"{"code":0,"log_id":"L"}"#,
            r#"{"code":0,"error":{"log_id":"L"}}"#,
            r#"{"code":0,"error":"oops"}"#,
            r#"{"code":0,"data":{"challenge_url":"https://c"}}"#,
            r#"{"code":0,"data":{"hint":"h"}}"#,
            r#"{"code":0,"data":{},"data":{}}"#,
            r#"{"code":0,"data":{"n":1.5}}"#,
            r#"{"code":0,"data":{"n":1234567890123456}}"#,
            r#"{"code":0,"data":[1,]}"#,
            r#"{"code":0,}"#,
            r#"{"code":0"#,
            r#"{"code":0} x"#,
            "{\"code\":0}\x0c",
            r#"{"msg":"{\"code\":0}"}"#,
            r#"{"msg":"\"code\":0","code":99991400}"#,
            r#"[{"code":0}]"#,
            r#"{"code":0,"data":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
            "",
        ] {
            assert!(!agree(body.as_bytes()), "on the fast path: {body}");
        }
        // Not UTF-8 (serde_json does not check a string it skips; the fast path does).
        assert!(!agree(b"{\"code\":0,\"msg\":\"\xff\"}"));
        assert!(!agree(b"{\"code\":0,\"x\":\"\xff\"}"));
    }

    /// A success whose `data` nests a container per byte of `opens` (`[` or `{`), the
    /// first being `data`'s value itself.
    fn nested(opens: &str) -> String {
        let mut body = String::from(r#"{"code":0,"data":"#);
        for c in opens.chars() {
            body.push_str(if c == '{' { r#"{"a":"# } else { "[" });
        }
        body.push('0');
        for c in opens.chars().rev() {
            body.push(if c == '{' { '}' } else { ']' });
        }
        body.push('}');
        body
    }

    #[test]
    fn nesting_is_followed_to_max_depth_and_no_deeper() {
        // The envelope is depth 1, so `data` may open MAX_DEPTH - 1 containers.
        let most = super::MAX_DEPTH - 1;
        for c in ["[", "{"] {
            assert!(agree(nested(&c.repeat(most)).as_bytes()), "{c} x {most}");
            assert!(!agree(nested(&c.repeat(most + 1)).as_bytes()), "{c} x {}", most + 1);
        }
        // One deeper than the limit through the other kind of container: each kind
        // checks the depth itself.
        for (outer, inner) in [("[", "{"), ("{", "[")] {
            let opens = outer.repeat(most) + inner;
            assert!(!agree(nested(&opens).as_bytes()), "{opens}");
            let opens = outer.repeat(most - 1) + inner;
            assert!(agree(nested(&opens).as_bytes()), "{opens}");
        }
    }

    /// Pieces of bodies, tricky ones included: nested and quoted `code`s, escapes,
    /// floats, strings for numbers, the keys an error reads.
    fn member() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            Just(r#""code""#),
            Just(r#""msg""#),
            Just(r#""data""#),
            Just(r#""log_id""#),
            Just(r#""error""#),
            Just(r#""hint""#),
            Just(r#""extra""#),
            Just(r#""c\u006fde""#),
            Just(r#""code ""#),
        ];
        let value = prop_oneof![
            Just("0"),
            Just("0.0"),
            Just("-0"),
            Just("\"0\""),
            Just("1"),
            Just("99991400"),
            Just("1e2"),
            Just("null"),
            Just("true"),
            Just("\"success\""),
            Just(r#""{\"code\":0}""#),
            Just(r#""\"code\":0""#),
            Just(r#""a\nb""#),
            Just("{}"),
            Just("[]"),
            Just(r#"{"code":0}"#),
            Just(r#"{"code":1,"msg":"x"}"#),
            Just(r#"{"challenge_url":"https://c"}"#),
            Just(r#"{"hint":"h","items":[1,2]}"#),
            Just(r#"{"items":[{"code":0},{"msg":"m"}],"n":-3}"#),
            Just(r#"{"log_id":"L","message":"m"}"#),
            Just(r#"[1,{"a":[null,false]},"s"]"#),
        ];
        let ws = prop_oneof![Just(""), Just(" "), Just("\n"), Just("\t"), Just("\u{c}")];
        (key, ws.clone(), value, ws).prop_map(|(k, w1, v, w2)| format!("{k}{w1}:{w2}{v}"))
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        let bom = prop_oneof![4 => Just(""), 1 => Just("\u{FEFF}")];
        let ws = prop_oneof![Just(""), Just(" "), Just("\r\n")];
        (bom, ws.clone(), prop::collection::vec(member(), 0..5), ws, any::<u8>(), any::<bool>())
            .prop_map(|(bom, w1, members, w2, cut, truncate)| {
                let mut body = format!("{bom}{w1}{{{}}}{w2}", members.join(",")).into_bytes();
                if truncate {
                    body.truncate(usize::from(cut) % (body.len() + 1));
                }
                body
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_fast_path_agrees_with_the_full_read(body in body()) {
            agree(&body);
        }

        #[test]
        fn the_fast_path_agrees_on_any_bytes(body in prop::collection::vec(any::<u8>(), 0..64)) {
            agree(&body);
        }
    }
}
