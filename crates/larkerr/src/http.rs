//! Raw HTTP responses as `curl -i` prints them: a status line, headers, a blank line,
//! the body.
//!
//! An input is a raw response when its first non-blank text is `HTTP/` followed by a
//! version and a three-digit status: no JSON body can start that way. `curl -i`
//! through a proxy, or after `Expect: 100-continue`, prints several header blocks
//! (`HTTP/1.1 100 Continue`, `HTTP/1.1 200 Connection established`); the last one
//! describes the response, so earlier ones are skipped.

/// A parsed raw response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse<'a> {
    /// The status code of the last status line.
    pub status: u16,
    /// The headers of the last header block, in order, names as written.
    pub headers: Vec<(&'a str, &'a str)>,
    /// Everything after the blank line ending the last header block.
    pub body: &'a str,
}

/// Whether `text` starts (after blank space and a byte-order mark) like a raw HTTP
/// response rather than a body.
pub fn looks_raw(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim_start().starts_with("HTTP/")
}

/// Parses a raw response; `Err` says what is wrong with it, in one line.
///
/// ```
/// let raw = "HTTP/2 429\r\nx-ogw-ratelimit-reset: 52\r\n\r\n{\"code\":99991400}";
/// let r = larkerr::http::parse(raw).unwrap();
/// assert_eq!((r.status, r.headers[0], r.body), (429, ("x-ogw-ratelimit-reset", "52"), "{\"code\":99991400}"));
/// ```
pub fn parse(text: &str) -> Result<RawResponse<'_>, String> {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        let (block, after) = split_block(rest);
        let mut lines = block.lines();
        let status_line = lines.next().unwrap_or("").trim_end();
        let status = status_of(status_line).ok_or_else(|| {
            let shown = crate::render::truncate(status_line, 60);
            format!(
                "`{shown}` is not an HTTP status line (expected e.g. `HTTP/1.1 400 Bad Request`)"
            )
        })?;
        let mut headers: Vec<(&str, &str)> = Vec::new();
        for line in lines {
            // Folded continuation lines (obsolete) and anything without a colon carry
            // nothing a diagnosis uses.
            if line.starts_with([' ', '\t']) {
                continue;
            }
            if let Some(header) = header_line(line) {
                headers.push(header);
            }
        }
        // A further response follows an interim (1xx) or proxy block.
        if after.trim_start().starts_with("HTTP/")
            && status_of(after.trim_start().lines().next().unwrap_or("")).is_some()
        {
            rest = after.trim_start();
            continue;
        }
        return Ok(RawResponse { status, headers, body: after });
    }
}

/// A header line `Name: value`: the name and the value, each trimmed, when the name is
/// an HTTP field name ([`is_field_name`]). The one rule for every header the command
/// line reads (`curl -i` output, `curl -v` transcripts, `--header`).
///
/// ```
/// use larkerr::http::header_line;
/// assert_eq!(header_line("X-Tt-Logid:  L1 "), Some(("X-Tt-Logid", "L1")));
/// assert_eq!(header_line("HTTP/1.1:400"), None); // a status line, not a header
/// assert_eq!(header_line("no colon"), None);
/// ```
pub fn header_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim();
    is_field_name(name).then(|| (name, value.trim()))
}

/// Whether `name` is an HTTP field name: a token of RFC 9110 (5.1, 5.6.2), ASCII
/// letters, digits and ``!#$%&'*+-.^_`|~``. Never whitespace, `:` or `/`, so a status
/// line (`HTTP/1.1 400`) is never taken for a header.
pub fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Splits at the first blank line (`\r\n\r\n` or `\n\n`): the header block and the rest.
fn split_block(text: &str) -> (&str, &str) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let end = at + line.len();
        if line.trim_end_matches(['\r', '\n']).is_empty() {
            return (&text[..at], &text[end..]);
        }
        at = end;
    }
    (text, "")
}

/// The status of `HTTP/<version> <3 digits>[ reason]`.
fn status_of(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP/")?;
    let (version, rest) = rest.split_once(' ')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let code = rest.trim_start().get(..3)?;
    let after = rest.trim_start().get(3..)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) || !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    code.parse().ok().filter(|s| (100..=599).contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_output_with_lf_or_crlf() {
        for sep in ["\n", "\r\n"] {
            let raw = [
                "HTTP/1.1 400 Bad Request",
                "Content-Type: application/json",
                "X-Tt-Logid: L1",
                "",
                "{\"code\":1}",
            ]
            .join(sep);
            let r = parse(&raw).unwrap();
            assert_eq!(r.status, 400);
            assert_eq!(r.headers, [("Content-Type", "application/json"), ("X-Tt-Logid", "L1")]);
            assert_eq!(r.body, "{\"code\":1}");
        }
    }

    #[test]
    fn interim_and_proxy_blocks_are_skipped() {
        let raw = "HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/2 429\r\nx-ogw-ratelimit-reset: 7\r\n\r\nbody";
        let r = parse(raw).unwrap();
        assert_eq!((r.status, r.headers.len(), r.body), (429, 1, "body"));
    }

    #[test]
    fn headers_only_and_bad_status_lines() {
        let r = parse("HTTP/1.1 502 Bad Gateway\n").unwrap();
        assert_eq!((r.status, r.body), (502, ""));
        assert!(parse("HTTP/1.1 abc\n\n{}").unwrap_err().contains("not an HTTP status line"));
        assert!(parse("HTTP/1.1 999\n\n").is_err());
        assert!(looks_raw("\u{feff}  HTTP/2 200\n"));
        // Header names are tokens: a line that is none is not a header.
        let r = parse("HTTP/1.1 400\nHTTP/1.1:400\nx y: 1\nx/y: 2\n: 3\nok-1: 4\n\n").unwrap();
        assert_eq!(r.headers, [("ok-1", "4")]);
        assert!(!looks_raw("{\"code\":0}"));
    }
}
