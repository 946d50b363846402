//! The request side of a failed call, as a person has it: `--api 'METHOD URL'`, a
//! `curl -v` transcript, or a log line holding both the request and the response.
//!
//! Pure parsing: which API a request is comes from the library's router
//! ([`lark_errors::route`]); what its response means from the library's diagnosis.

use lark_errors::catalog::{Api, Method};

/// Parses `--api`: `METHOD URL` (any host, a bare path, a query string) routed to its
/// API; a URL without a method where its path has APIs of one method only.
///
/// ```
/// let api = larkerr::request::parse_api("post https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id").unwrap();
/// assert_eq!(api.to_string(), "POST /open-apis/im/v1/messages");
/// assert!(larkerr::request::parse_api("GET /open-apis/no/such").unwrap_err().contains("not a documented API"));
/// ```
pub fn parse_api(text: &str) -> Result<&'static Api, String> {
    let t = text.trim();
    let shown = crate::render::truncate(t, 80);
    let (method, url) = match t.split_once(char::is_whitespace) {
        Some((m, rest)) => match m.parse::<Method>() {
            Ok(m) => (Some(m), rest.trim()),
            // A word before the URL that is not a method: say which.
            Err(e) if m.bytes().all(|b| b.is_ascii_alphabetic()) => {
                return Err(format!("`{}`: {e}", crate::render::truncate(m, 20)));
            }
            Err(_) => (None, t),
        },
        None => match t.parse::<Method>() {
            Ok(_) => return Err(format!("`{shown}` has no URL (expected `METHOD URL`)")),
            Err(_) => (None, t),
        },
    };
    if url.is_empty() || url.contains(char::is_whitespace) {
        return Err(format!(
            "`{shown}` is not `METHOD URL` (e.g. `POST /open-apis/im/v1/messages`)"
        ));
    }
    match method {
        Some(m) => lark_errors::route(m, url).ok_or_else(|| {
            let others = lark_errors::route_candidates(url);
            if others.is_empty() {
                format!("`{shown}` is not a documented API (no API page has this path)")
            } else {
                format!(
                    "`{shown}` is not a documented API: the path is documented for {}",
                    methods(others)
                )
            }
        }),
        None => match lark_errors::route_candidates(url) {
            [] => Err(format!("`{shown}` is not a documented API (no API page has this path)")),
            [only] => Ok(only),
            several if several.iter().all(|a| a.method() == several[0].method()) => Ok(several[0]),
            several => Err(format!(
                "`{shown}` is documented for {}: give the method, e.g. `{} {url}`",
                methods(several),
                several[0].method()
            )),
        },
    }
}

/// `GET and POST`: the distinct methods of `apis`.
fn methods(apis: &[&Api]) -> String {
    let mut ms: Vec<&str> = apis.iter().map(|a| a.method().as_str()).collect();
    ms.sort_unstable();
    ms.dedup();
    match ms.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A request and its response, as found in one input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exchange {
    /// The request method, where the input gives one.
    pub method: Option<Method>,
    /// The request URL or path (with the host when the input gives it).
    pub url: String,
    /// The response's HTTP status, where the input gives one.
    pub status: Option<u16>,
    /// The response headers, names as written.
    pub headers: Vec<(String, String)>,
    /// The response body.
    pub body: String,
}

/// Whether `text` looks like a `curl -v` transcript: a request line `> METHOD /path
/// HTTP/x` among its lines.
pub fn looks_curl_verbose(text: &str) -> bool {
    text.lines().take(200).any(|l| request_line(l).is_some())
}

/// `> POST /open-apis/... HTTP/1.1`: the method and path.
fn request_line(line: &str) -> Option<(Method, &str)> {
    let rest = line.strip_prefix("> ")?;
    let mut parts = rest.split_whitespace();
    let method = parts.next()?.parse::<Method>().ok()?;
    let target = parts.next()?;
    let version = parts.next()?;
    (version.starts_with("HTTP/") && parts.next().is_none()).then_some((method, target))
}

/// Parses a `curl -v` transcript (stderr and stdout together, `2>&1`): the request line
/// and `> Host:`, the last response's `< HTTP/...` status and `< ` headers, and the body
/// (the lines that are neither `*`, `>`, `<` nor curl's `{ [5 bytes data]` notes).
///
/// ```
/// let t = "* Connected\n> POST /open-apis/im/v1/messages HTTP/1.1\n> Host: open.feishu.cn\n>\n< HTTP/1.1 400 Bad Request\n< X-Tt-Logid: L1\n<\n{\"code\":230002,\"msg\":\"The bot can not be outside the group.\"}\n";
/// let x = larkerr::request::parse_curl_verbose(t).unwrap();
/// assert_eq!(x.url, "https://open.feishu.cn/open-apis/im/v1/messages");
/// assert_eq!((x.status, x.headers.len()), (Some(400), 1));
/// assert!(x.body.starts_with("{\"code\":230002"));
/// ```
pub fn parse_curl_verbose(text: &str) -> Option<Exchange> {
    let mut x = Exchange::default();
    let mut target = None;
    let mut host = None;
    let mut body = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some((method, path)) = request_line(line) {
            // A redirect or retry starts a new exchange: the last one is the failure.
            x = Exchange { method: Some(method), ..Exchange::default() };
            target = Some(path);
            host = None;
            body.clear();
        } else if let Some(h) = line.strip_prefix("> ") {
            if let Some((name, value)) = h.split_once(':') {
                if name.trim().eq_ignore_ascii_case("host") {
                    host = Some(value.trim());
                }
            }
        } else if let Some(r) = line.strip_prefix("< ") {
            if let Some(status) = status_line(r) {
                // An interim or proxy block: the last status line describes the response.
                x.status = Some(status);
                x.headers.clear();
            } else if let Some((name, value)) = crate::http::header_line(r) {
                x.headers.push((name.to_owned(), value.to_owned()));
            }
        } else if line.starts_with(['*', '>', '<'])
            || line.starts_with("{ [")
            || line.starts_with("} [")
        {
            continue;
        } else if target.is_some() {
            body.push(line);
        }
    }
    let target = target?;
    x.url = match host {
        Some(h) if target.starts_with('/') => format!("https://{h}{target}"),
        _ => target.to_owned(),
    };
    x.body = body.join("\n").trim().to_owned();
    Some(x)
}

/// The status of `HTTP/<version> <status>[ reason]`.
fn status_line(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP/")?;
    let mut parts = rest.split_whitespace();
    parts.next()?;
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok().filter(|s| (100..=599).contains(s))
}

/// Field names a JSON log record gives the request and response under.
const METHOD_KEYS: [&str; 3] = ["method", "http_method", "verb"];
const URL_KEYS: [&str; 5] = ["url", "path", "uri", "request_url", "endpoint"];
const STATUS_KEYS: [&str; 4] = ["status", "status_code", "http_status", "statusCode"];
const BODY_KEYS: [&str; 4] = ["body", "response", "resp", "response_body"];

/// Parses one log line holding a request and its response: a JSON record with the
/// method, `path` or `url`, the status and the body (a string or an object; nested under
/// `request` / `response` too), or an SDK's error line with `METHOD URL` and a JSON body
/// (`POST https://open.feishu.cn/open-apis/... 400 {"code":...}`). `None` when the line
/// has no `/open-apis/` request.
///
/// ```
/// let line = r#"{"level":"error","method":"POST","path":"/open-apis/im/v1/messages","status":400,"body":{"code":230002,"msg":"The bot can not be outside the group."}}"#;
/// let x = larkerr::request::parse_log_line(line).unwrap();
/// assert_eq!((x.url.as_str(), x.status), ("/open-apis/im/v1/messages", Some(400)));
/// assert!(x.body.contains("230002"));
///
/// let sdk = r#"[Error] POST https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id, status 400, {"code":230002,"msg":"The bot can not be outside the group."}"#;
/// let x = larkerr::request::parse_log_line(sdk).unwrap();
/// assert_eq!(x.method, Some(lark_errors::catalog::Method::Post));
/// assert_eq!(x.status, Some(400));
/// ```
pub fn parse_log_line(text: &str) -> Option<Exchange> {
    let line = text.trim();
    if line.starts_with('{') {
        if let Ok(serde_json::Value::Object(record)) = serde_json::from_str(line) {
            return from_record(&record);
        }
    }
    from_text(line)
}

/// The request and response of a JSON log record.
fn from_record(record: &serde_json::Map<String, serde_json::Value>) -> Option<Exchange> {
    use serde_json::Value;
    let scopes: Vec<&serde_json::Map<String, Value>> = [Some(record), obj(record, "request")]
        .into_iter()
        .flatten()
        .chain(obj(record, "response"))
        .chain(obj(record, "http"))
        .collect();
    let find = |keys: &[&str]| -> Option<&Value> {
        scopes.iter().find_map(|m| keys.iter().find_map(|k| m.get(*k)))
    };
    let url = find(&URL_KEYS)?.as_str()?;
    if !url.contains(lark_errors::platform::host::API_PREFIX.trim_end_matches('/')) {
        return None;
    }
    let method = find(&METHOD_KEYS).and_then(Value::as_str).and_then(|m| m.parse().ok());
    let status = find(&STATUS_KEYS).and_then(|s| match s {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let status = status.and_then(|s| u16::try_from(s).ok()).filter(|s| (100..=599).contains(s));
    // The body: a string holding JSON, or the object itself; else the record itself (a
    // record that logs the response's fields at its top level: the diagnosis reads those
    // and ignores the rest).
    let in_map = |m: &'_ serde_json::Map<String, Value>| -> Option<Value> {
        BODY_KEYS.iter().find_map(|k| m.get(*k)).cloned()
    };
    // The response's own body first, then the record's.
    let body = obj(record, "response").and_then(in_map).or_else(|| in_map(record));
    let body = match body {
        Some(Value::String(s)) => s,
        Some(v @ Value::Object(_)) => v.to_string(),
        _ => Value::Object(record.clone()).to_string(),
    };
    Some(Exchange { method, url: url.to_owned(), status, headers: Vec::new(), body })
}

fn obj<'m>(
    record: &'m serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'m serde_json::Map<String, serde_json::Value>> {
    record.get(key)?.as_object()
}

/// The request and response of a text log line: the URL holding `/open-apis/`, the
/// method word before it, a status (`status 400`, `status=400`, `HTTP 400`) and the
/// first JSON object after the URL.
fn from_text(line: &str) -> Option<Exchange> {
    let prefix = lark_errors::platform::host::API_PREFIX;
    let at = line.find(prefix)?;
    // The URL is the whitespace-delimited token holding the prefix (quotes and
    // trailing punctuation dropped).
    let start =
        line[..at].rfind(|c: char| c.is_whitespace() || c == '"' || c == '=').map_or(0, |i| i + 1);
    let end = line[at..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == ',')
        .map_or(line.len(), |i| at + i);
    let url = &line[start..end];
    let before = line[..start].trim_end();
    let method = before
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .and_then(|w| w.parse::<Method>().ok());
    let after = &line[end..];
    let (body, rest) = match after.find('{') {
        Some(i) => {
            let mut stream =
                serde_json::Deserializer::from_str(&after[i..]).into_iter::<serde_json::Value>();
            match stream.next() {
                Some(Ok(v)) => (v.to_string(), &after[..i]),
                _ => (String::new(), after),
            }
        }
        None => (String::new(), after),
    };
    let status = status_in(rest);
    Some(Exchange { method, url: url.to_owned(), status, headers: Vec::new(), body })
}

/// A status written `status 400`, `status=400`, `status_code: 400`, `HTTP 400` or
/// `HTTP/1.1 400`.
fn status_in(text: &str) -> Option<u16> {
    let lower = text.to_ascii_lowercase();
    for mark in ["status_code", "status", "http/1.1", "http/2", "http"] {
        let Some(i) = lower.find(mark) else { continue };
        let digits = lower[i + mark.len()..].trim_start_matches([' ', '=', ':', '"']);
        let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
        if let Some(s) = n.parse::<u16>().ok().filter(|s| n.len() == 3 && (100..=599).contains(s)) {
            return Some(s);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_arguments_route_or_say_why_not() {
        let api =
            parse_api("GET https://open.larksuite.com/open-apis/im/v1/chats/oc_1?a=b").unwrap();
        assert_eq!(api.path(), "/open-apis/im/v1/chats/:chat_id");
        assert_eq!(
            parse_api("  delete /open-apis/im/v1/messages/om_1/reactions/r_1 ").unwrap().method(),
            Method::Delete
        );
        // No method: fine when the path has one method only.
        assert!(parse_api("/open-apis/im/v1/messages/om_1/reactions/r_1").is_ok());
        let e = parse_api("/open-apis/im/v1/messages").unwrap_err();
        assert!(e.contains("GET and POST") && e.contains("give the method"), "{e}");
        let e = parse_api("PUT /open-apis/im/v1/messages").unwrap_err();
        assert!(e.contains("documented for GET and POST"), "{e}");
        assert!(parse_api("GET").unwrap_err().contains("no URL"));
        assert!(parse_api("GET /a b").unwrap_err().contains("not `METHOD URL`"));
        assert!(parse_api("").is_err());
        assert!(parse_api("FETCH /open-apis/x").unwrap_err().contains("unknown HTTP method"));
    }

    #[test]
    fn curl_verbose_transcripts() {
        let t = [
            "*   Trying 1.2.3.4:443...",
            "> GET /open-apis/x HTTP/1.1",
            "> Host: a.example",
            "< HTTP/1.1 302 Found",
            "< Location: https://open.feishu.cn/...",
            "> POST /open-apis/im/v1/messages?receive_id_type=chat_id HTTP/2",
            "> Host: open.feishu.cn",
            "> Content-Type: application/json",
            ">",
            "} [120 bytes data]",
            "< HTTP/2 200 Connection established",
            "< HTTP/2 400",
            "< x-tt-logid: L1",
            "<",
            "{ [90 bytes data]",
            "{\"code\":230002,",
            " \"msg\":\"The bot can not be outside the group.\"}",
            "* Connection #0 left intact",
        ]
        .join("\r\n");
        let x = parse_curl_verbose(&t).unwrap();
        assert_eq!(x.method, Some(Method::Post));
        assert_eq!(
            x.url,
            "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id"
        );
        assert_eq!(x.status, Some(400));
        assert_eq!(x.headers, [("x-tt-logid".to_owned(), "L1".to_owned())]);
        assert!(x.body.starts_with("{\"code\":230002,\n") && x.body.ends_with("group.\"}"));
        assert!(looks_curl_verbose(&t));
        assert!(!looks_curl_verbose("HTTP/1.1 400\n\n{}"));
        assert!(parse_curl_verbose("{\"code\":1}").is_none());
        // A line that is neither a status line nor a header (its name is no token, as
        // `HTTP/1.1` is not) is neither: printed again as `< HTTP/1.1: 400` it would be
        // a status line (found by the `request_curl` fuzz target).
        let x = parse_curl_verbose("> GET /open-apis/a HTTP/1.1\n< HTTP/1.1:400\n").unwrap();
        assert_eq!((x.status, x.headers.len()), (None, 0));
        let x =
            parse_curl_verbose("> GET /a HTTP/1.1\n< HTTP/1.1 429\n< a b: 1\n< c/d: 2\n").unwrap();
        assert_eq!((x.status, x.headers.len()), (Some(429), 0));
        // No Host: the target as given.
        let x = parse_curl_verbose("> GET /open-apis/a HTTP/1.1\n< HTTP/1.1 404\n").unwrap();
        assert_eq!((x.url.as_str(), x.status, x.body.as_str()), ("/open-apis/a", Some(404), ""));
    }

    #[test]
    fn json_log_records() {
        let nested = r#"{"request":{"method":"GET","url":"https://open.feishu.cn/open-apis/im/v1/chats/oc_1"},"response":{"status_code":"403","body":"{\"code\":232011,\"msg\":\"x\"}"}}"#;
        let x = parse_log_line(nested).unwrap();
        assert_eq!(x.method, Some(Method::Get));
        assert_eq!(x.status, Some(403));
        assert_eq!(x.body, r#"{"code":232011,"msg":"x"}"#);
        let flat = r#"{"msg":"The bot can not be outside the group.","code":230002,"uri":"/open-apis/im/v1/messages","verb":"post"}"#;
        let x = parse_log_line(flat).unwrap();
        assert_eq!((x.method, x.status), (Some(Method::Post), None));
        assert!(x.body.contains("\"code\":230002"));
        // No request in it: not this form.
        assert!(parse_log_line(r#"{"code":99991400,"msg":"x"}"#).is_none());
        assert!(parse_log_line(r#"{"path":"/health","status":500}"#).is_none());
    }

    #[test]
    fn sdk_text_lines() {
        let go = r#"2025/03/01 08:00:00 [Error] [POST] "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=open_id" status_code=400 resp={"code":230002,"msg":"The bot can not be outside the group."} trailing"#;
        let x = parse_log_line(go).unwrap();
        assert_eq!(x.method, Some(Method::Post));
        assert_eq!(
            x.url,
            "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=open_id"
        );
        assert_eq!(x.status, Some(400));
        assert_eq!(x.body, r#"{"code":230002,"msg":"The bot can not be outside the group."}"#);
        let x = parse_log_line("GET /open-apis/im/v1/chats/oc_1 HTTP 429").unwrap();
        assert_eq!((x.status, x.body.as_str()), (Some(429), ""));
        assert!(parse_log_line("nothing here 400 {\"code\":1}").is_none());
        // An unterminated body is not a body, and nothing panics on odd input.
        let x = parse_log_line("POST /open-apis/a {\"code\":").unwrap();
        assert_eq!(x.body, "");
        for odd in ["/open-apis/", "\"/open-apis/\"", "=/open-apis/{", "status", "{"] {
            let _ = parse_log_line(odd);
        }
        assert_eq!(status_in(" status 4000"), None);
        assert_eq!(status_in("HTTP/1.1 503 x"), Some(503));
    }
}
