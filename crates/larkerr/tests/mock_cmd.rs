//! `larkerr mock` runs the mock server: it prints its address, answers over loopback
//! with the documented errors, and rejects a bad configuration with one line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

/// Kills the server when the test ends, pass or fail.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serves_documented_errors_on_loopback() {
    let child = Command::cargo_bin("larkerr")
        .unwrap()
        .args(["mock", "--port", "0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut first = String::new();
    // Kept open while the test runs, like a terminal would be.
    let mut banner = BufReader::new(server.0.stdout.take().unwrap());
    banner.read_line(&mut first).unwrap();
    let url = first.trim().rsplit(' ').next().unwrap().to_owned();
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    assert!(first.starts_with("mock Feishu Open API listening on http://127.0.0.1:"), "{first}");

    let response =
        http(&addr, "GET /open-apis/im/v1/chats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-tt-logid:"), "{response}");
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    let d = lark_errors::diagnose(Some(400), &lark_errors::diagnose::NoHeaders, body.as_bytes());
    assert_eq!(d.code, Some(99991661));
    assert!(d.known());

    let body = r#"{"app_id":"cli_mock","app_secret":"mock_secret"}"#;
    let token_request = format!(
        "POST /open-apis/auth/v3/tenant_access_token/internal HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = http(&addr, &token_request);
    assert!(response.contains("\"tenant_access_token\":\"t-"), "{response}");
    let mut credentials = String::new();
    banner.read_line(&mut credentials).unwrap();
    assert_eq!(credentials.trim(), "app_id cli_mock  app_secret mock_secret");
}

#[test]
fn a_bad_configuration_is_one_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("larkerr-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[faults]]\npath = \"/open-apis/*\"\ncode = 4242\n").unwrap();
    let overflow = dir.join("overflow.toml");
    std::fs::write(&overflow, "[tokens]\nttl_secs = 18446744073709551615\n").unwrap();
    // /dev/zero never ends: the read is size-limited, and says so in one line.
    for config in
        [bad.to_str().unwrap(), "/nonexistent/mock.toml", "/dev/zero", overflow.to_str().unwrap()]
    {
        let out = Command::cargo_bin("larkerr")
            .unwrap()
            .args(["mock", "--port", "0", "--config", config])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{config}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("larkerr: "), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Starts `larkerr ARGS mock --port 0` with stderr piped; returns the server and its
/// address.
fn start(global: &[&str], stderr: Stdio) -> (Server, String, BufReader<std::process::ChildStdout>) {
    let child = Command::cargo_bin("larkerr")
        .unwrap()
        .args(global)
        .args(["mock", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut banner = BufReader::new(server.0.stdout.take().unwrap());
    let mut first = String::new();
    banner.read_line(&mut first).unwrap();
    let addr = first.trim().rsplit("http://").next().unwrap().to_owned();
    (server, addr, banner)
}

#[test]
fn the_request_log_is_coloured_only_when_asked() {
    for (color, escapes) in [("never", false), ("always", true)] {
        let (mut server, addr, _banner) = start(&["--color", color], Stdio::piped());
        let response = http(
            &addr,
            "GET /open-apis/im/v1/chats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(response.starts_with("HTTP/1.1 400"), "{response}");
        let mut stderr = server.0.stderr.take().unwrap();
        // Stop the server so its stderr ends; the log line was queued before the answer.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _ = server.0.kill();
        let mut log = Vec::new();
        stderr.read_to_end(&mut log).unwrap();
        let log = String::from_utf8(log).unwrap();
        assert!(log.contains("GET /open-apis/im/v1/chats"), "--color {color}: {log:?}");
        assert_eq!(log.contains('\x1b'), escapes, "--color {color}: {log:?}");
    }
}

#[test]
fn a_request_log_nobody_reads_does_not_stop_serving() {
    // stderr is a pipe this test never reads: a blocking log fills it in ~300 requests.
    let (server, addr, _banner) = start(&["--color", "never"], Stdio::piped());
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for i in 0..3000 {
        // One write per request: `write!` would send it in pieces, each held back by
        // Nagle's algorithm until the last is acknowledged.
        let request = format!("GET /open-apis/im/v1/chats/oc_{i} HTTP/1.1\r\nHost: x\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut status = String::new();
        reader.read_line(&mut status).unwrap_or_else(|e| panic!("request {i}: {e}"));
        assert!(status.starts_with("HTTP/1.1 400"), "request {i}: {status}");
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
    }
    drop(server);
}

#[test]
fn rate_limits_off_leaves_every_api_without_windows() {
    let windows_of = |extra: &[&str]| {
        let child = Command::cargo_bin("larkerr")
            .unwrap()
            .args(["mock", "--port", "0", "--quiet"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Server(child);
        let mut banner = BufReader::new(server.0.stdout.take().unwrap());
        let mut first = String::new();
        banner.read_line(&mut first).unwrap();
        let addr = first.trim().rsplit("http://").next().unwrap().to_owned();
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            lark_errors_mock::APIS_PATH
        );
        let response = http(&addr, &request);
        let body = response.split("\r\n\r\n").nth(1).unwrap().to_owned();
        let routes: serde_json::Value = serde_json::from_str(&body).unwrap();
        let routes = routes.as_array().unwrap().clone();
        assert_eq!(routes.len(), lark_errors::apis().len());
        routes.iter().filter(|r| !r["windows"].as_array().unwrap().is_empty()).count()
    };
    let limited = lark_errors::apis()
        .iter()
        .filter(|a| a.rate_limit().is_some_and(|t| t.windows().next().is_some()))
        .count();
    assert!(limited > 1000, "{limited}");
    assert_eq!(windows_of(&[]), limited);
    assert_eq!(windows_of(&["--rate-limits", "documented"]), limited);
    assert_eq!(windows_of(&["--rate-limits", "off"]), 0);
}
