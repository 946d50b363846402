//! `larkerr classify` over every real response in `tests/fixtures/responses.jsonl`, in
//! both input forms: the JSON body (with `--status` / `--header` for what it lacks) and
//! the raw HTTP response `curl -i` would print.

mod common;

use common::{larkerr, run};
use insta::assert_snapshot;
use serde_json::Value;

struct Sample {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    body: String,
}

fn samples() -> Vec<Sample> {
    let text = std::fs::read_to_string(common::repo().join("tests/fixtures/responses.jsonl"))
        .expect("the repository's fixtures");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            Sample {
                status: v["http_status"].as_u64().map(|s| u16::try_from(s).unwrap()),
                headers: v["headers"]
                    .as_object()
                    .map(|h| {
                        h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect()
                    })
                    .unwrap_or_default(),
                body: serde_json::to_string(&v["body"]).unwrap(),
            }
        })
        .collect()
}

impl Sample {
    /// `classify -` arguments for the body form.
    fn flags(&self, status: Option<u16>) -> Vec<String> {
        let mut args = vec!["classify".to_owned(), "-".to_owned()];
        if let Some(status) = status {
            args.extend(["--status".to_owned(), status.to_string()]);
        }
        for (name, value) in &self.headers {
            args.extend(["--header".to_owned(), format!("{name}: {value}")]);
        }
        args
    }

    /// The response as `curl -i` prints it; 200 where the sample has no status (the
    /// platform sends business errors with 200 too).
    fn raw(&self) -> String {
        let mut raw = format!("HTTP/1.1 {} X\r\n", self.status.unwrap_or(200));
        for (name, value) in &self.headers {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str("\r\n");
        raw.push_str(&self.body);
        raw
    }
}

fn classify(args: &[String], stdin: &str) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run(&args, Some(stdin.as_bytes()));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?} <<< {stdin}");
    r.stdout
}

#[test]
fn every_sample_as_a_body() {
    for (i, s) in samples().iter().enumerate() {
        let human = classify(&s.flags(s.status), &s.body);
        assert_snapshot!(format!("classify_sample_{i}"), human);
        let mut json_args = s.flags(s.status);
        json_args.push("--json".into());
        let json = classify(&json_args, &s.body);
        assert_snapshot!(format!("classify_sample_{i}_json"), json);
        // The diagnosis object, exactly as the library serializes it.
        let value: Value = serde_json::from_str(&json).unwrap();
        let d = lark_errors::diagnose(s.status, &s.headers, s.body.as_bytes());
        assert_eq!(value, serde_json::to_value(&d).unwrap(), "sample {i}");
    }
}

#[test]
fn every_sample_as_a_raw_response_says_the_same() {
    for (i, s) in samples().iter().enumerate() {
        let status = Some(s.status.unwrap_or(200));
        for json in [false, true] {
            let mut body_args = s.flags(status);
            let mut raw_args = vec!["classify".to_owned()];
            if json {
                body_args.push("--json".into());
                raw_args.push("--json".into());
            }
            let from_body = classify(&body_args, &s.body);
            let from_raw = classify(&raw_args, &s.raw());
            assert_eq!(from_raw, from_body, "sample {i}, json: {json}");
            // LF line ends (as saved by some tools) too.
            let lf = s.raw().replace("\r\n", "\n");
            assert_eq!(classify(&raw_args, &lf), from_body, "sample {i} with LF");
        }
    }
}

#[test]
fn classify_reads_a_file() {
    let s = &samples()[7];
    let path = std::env::temp_dir().join(format!("larkerr-classify-{}.http", std::process::id()));
    std::fs::write(&path, s.raw()).unwrap();
    let out = larkerr().args(["classify", path.to_str().unwrap()]).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("wait            52 seconds, then retry"), "{out}");
}

#[test]
fn rate_limit_in_words_and_flags_override_the_raw_response() {
    let raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/2 429\r\nx-ogw-ratelimit-reset: 52\r\nx-tt-logid: L1\r\n\r\n{\"code\":99991400,\"msg\":\"request trigger frequency limit\"}";
    let out = classify(&["classify".into()], raw);
    assert!(out.contains("wait            52 seconds, then retry"), "{out}");
    assert!(out.contains("log_id          L1"), "{out}");
    assert!(out.contains("http status     429"), "{out}");
    let args: Vec<String> =
        ["classify", "--json", "--status", "400", "-H", "X-Ogw-Ratelimit-Reset: 7"]
            .map(String::from)
            .to_vec();
    let d: Value = serde_json::from_str(&classify(&args, raw)).unwrap();
    assert_eq!((d["http_status"].as_u64(), d["retry_after_secs"].as_u64()), (Some(400), Some(7)));
}

#[test]
fn scopes_log_id_and_troubleshooter_in_words() {
    let body = r#"{"code":99991672,"msg":"Access denied. One of the following scopes is required: [bitable:app, docx:document]","error":{"log_id":"LOG123","troubleshooter":"https://open.feishu.cn/search?log_id=LOG123","field_violations":[{"field":"app_token","value":"x","description":"invalid"}]}}"#;
    let out = classify(&["classify".into()], body);
    assert_snapshot!("classify_scopes_without_helps", out);
    assert!(out.contains("missing scopes  bitable:app, docx:document"), "{out}");
    assert!(out.contains("request them    in the developer console"), "{out}");
    assert!(out.contains("troubleshooter  https://open.feishu.cn/search?log_id=LOG123"), "{out}");
    assert!(out.contains("field error     app_token: invalid (sent: x)"), "{out}");
}

#[test]
fn success_heuristics_and_nothing_known() {
    let r = run(&["classify"], Some(br#"{"code":0,"msg":"success","data":{}}"#));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("not an error"), "{}", r.stdout);
    // A code no page documents: decided from the message's words, and said so.
    let r = run(
        &["--width", "200", "classify"],
        Some(br#"{"code":7777001,"msg":"invalid request parameter"}"#),
    );
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("undocumented code; decided from words in the message"));
    // A gateway page: decided from the status.
    let r = run(
        &["--width", "200", "classify"],
        Some(b"HTTP/1.1 502 Bad Gateway\r\n\r\n<html>502</html>"),
    );
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("decided from the HTTP status"), "{}", r.stdout);
    // Nothing to decide from: exit 1, the diagnosis still printed.
    let r = run(&["classify", "--json"], Some(br#"{"code":7777001,"msg":"zzz"}"#));
    assert_eq!(r.code, 1);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(d["basis"], "unknown");
    // A code only API pages document is known, from its meanings across them.
    let r = run(&["classify", "--json"], Some(br#"{"code":230001,"msg":"zzz"}"#));
    assert_eq!(r.code, 0);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!((d["basis"].as_str(), d["known"].as_bool()), (Some("catalog"), Some(true)));
    assert_eq!(d["layer"], "across_apis");
}

#[test]
fn diagnosis_json_has_every_design_name() {
    let r = run(&["classify", "--json"], Some(br#"{"code":99991663,"msg":"x"}"#));
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    for name in [
        "code",
        "message",
        "known",
        "basis",
        "entry",
        "category",
        "action",
        "retryable",
        "retry_after_secs",
        "token",
        "missing_scopes",
        "field_violations",
        "log_id",
        "troubleshooter",
        "http_status",
    ] {
        assert!(d.get(name).is_some(), "{name} is present (null or [] when absent)");
    }
}
