//! Decoding JSON string escapes in msg values, tolerant of malformed ones.

/// Decodes JSON string escapes; malformed escapes are kept as written.
pub(super) fn json_unescape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' || i + 1 >= raw.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let simple = match raw[i + 1] {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
            continue;
        }
        if raw[i + 1] == b'u' {
            if let Some(unit) = hex4(raw, i + 2) {
                let mut width = 6;
                let c = if (0xD800..0xDC00).contains(&unit) {
                    let low = (raw.get(i + 6) == Some(&b'\\') && raw.get(i + 7) == Some(&b'u'))
                        .then(|| hex4(raw, i + 8))
                        .flatten()
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    match low {
                        Some(low) => {
                            width = 12;
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        }
                        None => None,
                    }
                } else {
                    char::from_u32(unit)
                };
                let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                let mut tmp = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                i += width;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

pub(super) fn hex4(raw: &[u8], at: usize) -> Option<u32> {
    let digits = raw.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |acc, &d| Some(acc * 16 + (d as char).to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(raw: &str) -> String {
        String::from_utf8(json_unescape(raw.as_bytes())).unwrap()
    }

    #[test]
    fn every_simple_escape() {
        assert_eq!(decode(r#"\"\\\/\b\f\n\r\t"#), "\"\\/\u{8}\u{c}\n\r\t");
        assert_eq!(decode("plain text"), "plain text");
    }

    #[test]
    fn unicode_escapes_and_surrogate_pairs() {
        assert_eq!(decode(r"\u4e2d\u6587"), "中文");
        assert_eq!(decode(r"\u0041\u00e9"), "Aé");
        assert_eq!(decode(r"a\ud83d\ude00b"), "a😀b");
        assert_eq!(decode(r"\uD83D\uDE00"), "😀", "hex digits in either case");
        // A high surrogate without its low half: one replacement character, and what
        // follows is read on its own.
        assert_eq!(decode(r"\ud83d"), "\u{fffd}");
        assert_eq!(decode(r"\ud83dx"), "\u{fffd}x");
        assert_eq!(decode(r"\ud83d\u0041"), "\u{fffd}A");
        assert_eq!(decode(r"\ud83d\\u0041"), "\u{fffd}\\u0041");
        assert_eq!(decode(r"\ud83dxudc00"), "\u{fffd}xudc00", "only `\\u` starts the low half");
        // A lone low surrogate is no character either.
        assert_eq!(decode(r"\ude00!"), "\u{fffd}!");
    }

    #[test]
    fn malformed_escapes_are_kept_as_written() {
        assert_eq!(decode(r"\uZZZZ"), r"\uZZZZ");
        assert_eq!(decode(r"\u12"), r"\u12");
        assert_eq!(decode(r"\q"), r"\q");
        assert_eq!(decode("ends with \\"), "ends with \\");
        assert_eq!(decode("\\"), "\\");
    }
}
