//! `larkerr classify` with the request: `--api 'METHOD URL'`, a `curl -v` transcript,
//! a log line holding request and response; what the body carries beyond code and msg.
//! Expectations come from the library (`Diagnoser`, the catalog).

mod common;

use common::run;
use insta::assert_snapshot;
use lark_errors::catalog::{Method, route};
use lark_errors::diagnose::{Diagnoser, NoHeaders};
use serde_json::Value;

const SEND: &str = "POST https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id";

fn classify(args: &[&str], stdin: &str) -> String {
    let mut all = vec!["classify"];
    all.extend_from_slice(args);
    let r = run(&all, Some(stdin.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?} <<< {stdin}");
    r.stdout
}

fn send_message() -> &'static lark_errors::Api {
    route(Method::Post, "/open-apis/im/v1/messages").unwrap()
}

#[test]
fn api_rate_limit_on_99991400() {
    let body = r#"{"code":99991400,"msg":"request trigger frequency limit"}"#;
    let out = classify(&["--api", SEND, "--status", "429"], body);
    assert_snapshot!("api_rate_limit", out);
    let tier = send_message().rate_limit().unwrap();
    assert!(out.contains(&format!("api rate limit  {tier} (documented for {})", send_message())));
    // Without the request there is no API, so no documented tier.
    assert!(!classify(&["--status", "429"], body).contains("api rate limit"));
}

#[test]
fn api_scopes_on_a_scope_error_whose_msg_lists_none() {
    let body =
        r#"{"code":99991672,"msg":"Access denied. One of the following scopes is required"}"#;
    let out = classify(&["--api", SEND], body);
    assert_snapshot!("api_scopes", out);
    let d = Diagnoser::new().api(Some(send_message())).diagnose(None, &NoHeaders, body.as_bytes());
    assert!(d.missing_scopes.is_empty() && !d.required_scopes().is_empty());
    let ids: Vec<&str> = d.required_scopes().iter().map(|s| s.id()).collect();
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(&format!("api scopes {}", ids.join(", "))), "{out}");
    assert!(words.contains("any one suffices"), "{out}");
}

/// A `curl -v ... 2>&1` transcript of a failed send.
const CURL: &str = "\
*   Trying 203.0.113.7:443...
* Connected to open.feishu.cn (203.0.113.7) port 443
> POST /open-apis/im/v1/messages?receive_id_type=chat_id HTTP/1.1
> Host: open.feishu.cn
> User-Agent: curl/8.5.0
> Authorization: Bearer t-g1044
> Content-Type: application/json
>
} [120 bytes data]
< HTTP/1.1 400 Bad Request
< Content-Type: application/json; charset=utf-8
< X-Tt-Logid: 20250301080000C0A80001
<
{ [95 bytes data]
{\"code\":230002,\"msg\":\"The bot can not be outside the group.\"}
* Connection #0 to host open.feishu.cn left intact
";

#[test]
fn a_curl_verbose_transcript() {
    let out = classify(&[], CURL);
    assert_snapshot!("curl_verbose", out);
    let own = send_message().lookup(230002)[0];
    assert!(out.contains(&format!("api             {} (", send_message())), "{out}");
    assert!(out.contains("log_id          20250301080000C0A80001"), "{out}");
    assert!(out.contains("http status     400"), "{out}");
    assert!(out.contains(own.message()) && out.contains("from the API's own page"), "{out}");
    // JSON: the library's names, with the API, its layer and the status.
    let r = run(&["classify", "--json"], Some(CURL.as_bytes()));
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["api"]["path"], "/open-apis/im/v1/messages");
    assert_eq!((v["layer"].as_str(), v["http_status"].as_u64()), (Some("api"), Some(400)));
    assert_eq!(v["entry"]["source"]["line"], own.line());
    // --api names the request over the transcript's.
    let other = classify(&["--api", "GET /open-apis/im/v1/messages"], CURL);
    assert!(other.contains("api             GET /open-apis/im/v1/messages ("), "{other}");
}

#[test]
fn an_sdk_error_line_with_a_sub_code() {
    let line = r#"2025-03-01T08:00:00Z [Error] POST https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id, status 400, {"code":230099,"msg":"Failed to create card content, ext=ErrCode: 11310; ErrMsg: card table number over limit; code:230099"}"#;
    let out = classify(&[], line);
    assert_snapshot!("sdk_line_sub_code", out);
    let d = Diagnoser::new()
        .request("POST", "/open-apis/im/v1/messages")
        .code_msg(230099, "Failed to create card content, ext=ErrCode: 11310; ErrMsg: card table number over limit; code:230099");
    let sub = d.sub_entry.unwrap();
    assert!(out.contains(&format!("sub-code        {} ", sub.code())), "{out}");
    assert!(out.contains("http status     400"), "{out}");
}

#[test]
fn a_json_log_record_with_path_and_body() {
    let record = r#"{"level":"error","ts":"2025-03-01T08:00:00Z","request":{"method":"GET","url":"https://open.feishu.cn/open-apis/im/v1/chats/oc_a0553eda"},"response":{"status_code":400,"body":{"code":232011,"msg":"Operator can NOT be out of the chat.","error":{"log_id":"L232"}}}}"#;
    let out = classify(&[], record);
    assert_snapshot!("json_log_record", out);
    assert!(out.contains("api             GET /open-apis/im/v1/chats/:chat_id ("), "{out}");
    assert!(out.contains("log_id          L232"), "{out}");
    // A request that routes to no documented API is named, and the body still decides.
    let unknown = r#"{"path":"/open-apis/no/such/api","method":"POST","status":400,"body":{"code":99991400,"msg":"request trigger frequency limit"}}"#;
    let out = classify(&[], unknown);
    assert!(
        out.contains("request         POST /open-apis/no/such/api (routes to no documented API)"),
        "{out}"
    );
    assert!(out.contains("rate limited"), "{out}");
}

#[test]
fn details_challenge_and_hint_are_shown_escaped() {
    let body = r#"{"code":99991668,"msg":"Invalid access token\u001b[2J","data":{"challenge_url":"https://accounts.feishu.cn/challenge?t=1\u001b]0;x\u0007","hint":"Complete the MFA check\r\nthen retry"},"error":{"log_id":"L9","details":[{"key":"field","value":"receive_id\u001b[31m red"},{"value":"only a value"}]}}"#;
    let out = classify(&[], body);
    assert_snapshot!("details_challenge_hint", out);
    for raw in ['\u{1b}', '\u{7}', '\r'] {
        assert!(!out.contains(raw), "{raw:?} printed raw:\n{out}");
    }
    assert!(out.contains("detail          field: receive_id\\u{1b}[31m red"), "{out}");
    assert!(out.contains("detail          only a value"), "{out}");
    assert!(
        out.contains("challenge       https://accounts.feishu.cn/challenge?t=1\\u{1b}]0;x\\u{7}")
    );
    // Line breaks in the text are white space to the wrapper, never printed as such.
    assert!(out.contains("hint            Complete the MFA check then retry"), "{out}");
    // Coloured, the same.
    let r = run(&["--color", "always", "classify"], Some(body.as_bytes()));
    assert!(!r.stdout.contains('\u{7}') && !r.stdout.contains("\u{1b}]0"), "{:?}", r.stdout);
}

#[test]
fn bad_requests_are_one_line_and_exit_2() {
    let cases: [(&[&str], &str, &str); 4] = [
        (&["classify", "--api", "FETCH /open-apis/im/v1/messages"], "{}", "unknown HTTP method"),
        (&["classify", "--api", "GET /open-apis/no/such"], "{}", "is not a documented API"),
        (
            &["classify"],
            "> POST /open-apis/im/v1/messages HTTP/1.1\n> Host: open.feishu.cn\n>\n* Recv failure\n",
            "has no response",
        ),
        (&["classify"], "GET /open-apis/im/v1/chats/oc_1 failed", "cannot diagnose"),
    ];
    let mut report = String::new();
    for (args, stdin, says) in cases {
        let r = run(args, Some(stdin.as_bytes()));
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{args:?} <<< {stdin}");
        assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        report.push_str(&format!("larkerr {}\n  {}", args.join(" "), r.stderr));
    }
    assert_snapshot!("bad_requests", report);
}

#[test]
fn help_describes_the_request_inputs() {
    assert_snapshot!("classify_help", common::ok(&["classify", "--help"]));
}

/// A live message that says another kind of error than its code's documented one is
/// called a contradiction, in words and in JSON; one only worded otherwise is not.
#[test]
fn a_live_message_that_contradicts_its_code_is_said_so() {
    let cases = [
        (r#"{"code":99991663,"msg":"request trigger frequency limit"}"#, true),
        (r#"{"code":99991663,"msg":"Invalid access token for authorization"}"#, false),
        (r#"{"code":10003,"msg":"invalid param"}"#, false),
    ];
    for (body, contradicts) in cases {
        let want = Diagnoser::new().diagnose(Some(400), &NoHeaders, body.as_bytes());
        assert_eq!(want.contradicts_catalog, contradicts, "the library's verdict on {body}");
        let out = classify(&["--status", "400"], body);
        assert_eq!(out.contains("contradicts"), contradicts, "{body}:\n{out}");
        let json: Value = serde_json::from_str(&classify(&["--status", "400", "--json"], body))
            .expect("classify --json is JSON");
        assert_eq!(json["contradicts_catalog"], contradicts, "{body}");
        if contradicts {
            assert_snapshot!("contradiction", out);
        }
    }
}
