//! `larkerr scan`: detection rules, aggregation, timeline, JSON shape, bad input.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn larkerr() -> Command {
    let mut cmd = Command::cargo_bin("larkerr").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scan").join(name)
}

/// Runs `larkerr scan --json ARGS`, expecting `status`; returns the document and stderr.
fn scan_json(args: &[&str], stdin: Option<&[u8]>, status: i32) -> (Value, String) {
    let mut cmd = larkerr();
    cmd.arg("scan").arg("--json").args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_vec());
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(status), "stderr: {stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    (doc, stderr)
}

fn code(doc: &Value, code: u64) -> &Value {
    doc["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("{code} not in {doc:#}"))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn lines_that_must_match() {
    let table = fs::read_to_string(fixture("must-match.tsv")).unwrap();
    let mut checked = 0;
    for row in table.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let mut cols = row.splitn(3, '\t');
        let (want, msg, line) = (cols.next().unwrap(), cols.next().unwrap(), cols.next().unwrap());
        let (doc, _) = scan_json(&[], Some(line.as_bytes()), 0);
        assert_eq!(doc["total"], 1, "{line}: {doc:#}");
        let found = &doc["codes"][0];
        assert_eq!(found["code"].to_string(), want, "{line}");
        let live = &found["live_msgs"];
        if msg == "-" {
            assert_eq!(live.as_array().unwrap().len(), 0, "{line}: {live}");
        } else {
            assert_eq!(live[0]["msg"], msg, "{line}");
        }
        checked += 1;
    }
    assert!(checked >= 15);
}

#[test]
fn lines_that_must_not_match() {
    let path = fixture("must-not-match.log");
    let (doc, stderr) = scan_json(&[path.to_str().unwrap()], None, 0);
    assert_eq!(doc["total"], 0, "{doc:#}");
    assert_eq!(doc["lines"], 30);
    assert!(stderr.is_empty());
    // And the text report says so.
    larkerr()
        .arg("scan")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicates::str::contains("No Feishu error codes in 1 input"));
}

#[test]
fn help_documents_the_rules() {
    let out = larkerr().args(["scan", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["status_code", "100-599", "Code 0", "msg", "YYYY/MM/DD HH:MM:SS", "Exit status"]
    {
        assert!(help.contains(needle), "help lacks {needle}:\n{help}");
    }
}

/// A directory with plain, nested and gzip logs.
fn log_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let a = "2025-03-01T10:00:00Z {\"code\":99991400,\"msg\":\"request trigger frequency limit\"}\n\
             2025-03-01T10:00:30Z ok code=200\n\
             2025-03-01T10:01:00Z {\"code\":40001,\"msg\":\"param error\"}\n";
    fs::write(dir.path().join("a.log"), a).unwrap();
    fs::create_dir(dir.path().join("b")).unwrap();
    let b = "2025-03-01T10:02:00Z {\"code\":99991400,\"msg\":\"request trigger frequency limit\"}\n\
             2025-03-01T10:02:10Z {\"code\":40001,\"msg\":\"market place app is not allowed to update user or department\"}\n\
             2025-03-01T10:02:20Z {\"code\":40001,\"msg\":\"Param Error.\"}\n";
    fs::write(dir.path().join("b").join("b.log"), b).unwrap();
    let c = "2025-03-01T10:05:00Z code=99991400\n\
             2025-03-01T10:06:00Z code=1254999 msg=BaseTokenNotFound\n\
             2025-03-01T10:07:00Z {\"code\":99991400,\"msg\":\"request trigger frequency limit\"}\n";
    fs::write(dir.path().join("c.log.gz"), gzip(c.as_bytes())).unwrap();
    dir
}

#[test]
fn aggregates_files_directories_and_gzip() {
    let dir = log_dir();
    let root = dir.path().to_str().unwrap();
    let (doc, stderr) = scan_json(&[root], None, 0);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(doc["inputs"], 3);
    assert_eq!(doc["lines"], 9);
    assert_eq!(doc["total"], 8);
    assert_eq!(doc["distinct_codes"], 3);
    assert_eq!(doc["not_in_catalog"], 1);

    // Sorted by count.
    let order: Vec<u64> =
        doc["codes"].as_array().unwrap().iter().map(|c| c["code"].as_u64().unwrap()).collect();
    assert_eq!(order, [99991400, 40001, 1254999]);

    let rate = code(&doc, 99991400);
    assert_eq!(rate["count"], 4);
    assert_eq!(rate["category"], "rate_limited");
    assert_eq!(rate["action"], "wait_and_retry");
    assert_eq!(rate["known"], true);
    assert_eq!(rate["message"], "request trigger frequency limit");
    assert_eq!(rate["live_msgs"][0]["msg"], "request trigger frequency limit");
    assert_eq!(rate["live_msgs"][0]["count"], 3);
    assert_eq!(rate["without_msg"], 1);
    // First and last: file order (a.log, b/b.log, c.log.gz), then line.
    assert_eq!(rate["first"]["path"], format!("{root}/a.log"));
    assert_eq!(rate["first"]["line"], 1);
    assert_eq!(rate["first"]["time"], "2025-03-01T10:00:00");
    assert_eq!(rate["last"]["path"], format!("{root}/c.log.gz"));
    assert_eq!(rate["last"]["line"], 3);
    assert_eq!(rate["earliest"], "2025-03-01T10:00:00");
    assert_eq!(rate["latest"], "2025-03-01T10:07:00");

    // 40001 is documented twice: which entry the live msgs resolved to.
    let param = code(&doc, 40001);
    assert_eq!(param["count"], 3);
    let entries = param["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let count_of =
        |msg: &str| entries.iter().find(|e| e["message"] == msg).unwrap()["count"].clone();
    assert_eq!(count_of("param error"), 2);
    assert_eq!(count_of("market place app is not allowed to update user or department"), 1);
    assert_eq!(param["message"], "param error");
    assert_eq!(param["first"]["path"], format!("{root}/a.log"));
    assert_eq!(param["last"]["path"], format!("{root}/b/b.log"));
    assert_eq!(param["last"]["line"], 3);

    // Not in the catalog, with the heuristic diagnosis.
    let unknown = code(&doc, 1254999);
    assert_eq!(unknown["known"], false);
    assert_eq!(unknown["message"], Value::Null);
    assert_eq!(unknown["live_msgs"][0]["msg"], "BaseTokenNotFound");
    assert_eq!(unknown["diagnosis"]["known"], false);
    assert_eq!(unknown["diagnosis"]["code"], 1254999);
    assert!(code(&doc, 99991400)["diagnosis"].is_null());

    // Categories: shares of the total, entries of 40001 by what they resolved to.
    let cats = doc["categories"].as_array().unwrap();
    assert_eq!(cats[0]["category"], "rate_limited");
    assert_eq!(cats[0]["count"], 4);
    assert_eq!(cats[0]["share"], 0.5);
    let sum: u64 = cats.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(sum, 8);
    let not_in_catalog: u64 = cats.iter().map(|c| c["not_in_catalog"].as_u64().unwrap()).sum();
    assert_eq!(not_in_catalog, 1);
}

#[test]
fn text_report_shows_shares_positions_and_actions() {
    let dir = log_dir();
    let out = larkerr().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "NO_COLOR is respected");
    for needle in [
        "8 Feishu errors of 3 codes in 3 inputs",
        "1 not in the catalog",
        "rate_limited",
        "50.0%",
        "99991400",
        "wait for the rate limit to reset, then retry",
        "a.log:1 (2025-03-01T10:00:00)",
        "c.log.gz:3 (2025-03-01T10:07:00)",
        "resolved to",
        "BaseTokenNotFound",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
}

#[test]
fn top_and_min_count_limit_the_list_not_the_totals() {
    let dir = log_dir();
    let root = dir.path().to_str().unwrap();
    let (doc, _) = scan_json(&[root, "--top", "1"], None, 0);
    assert_eq!(doc["codes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["codes"][0]["code"], 99991400);
    assert_eq!(doc["total"], 8);
    assert_eq!(doc["not_listed"]["codes"], 2);
    assert_eq!(doc["not_listed"]["count"], 4);
    let (doc, _) = scan_json(&[root, "--min-count", "3"], None, 0);
    let listed: Vec<&Value> = doc["codes"].as_array().unwrap().iter().map(|c| &c["code"]).collect();
    assert_eq!(listed, [&Value::from(99991400), &Value::from(40001)]);
}

#[test]
fn stdin_by_default_and_by_dash() {
    let line = b"code=99991663 msg=\"Invalid access token\"\n";
    let (doc, _) = scan_json(&[], Some(line), 0);
    assert_eq!(doc["total"], 1);
    assert_eq!(code(&doc, 99991663)["first"]["path"], "<stdin>");
    let (doc, _) = scan_json(&["-"], Some(&gzip(line)), 0);
    assert_eq!(doc["total"], 1, "gzip on stdin is decompressed too");
}

#[test]
fn timeline_buckets_by_line_timestamps() {
    let log = "\
2025-03-01T10:00:05Z code=99991400
2025-03-01T10:00:50Z code=99991400
2025/03/01 10:01:10 code=99991663
2025-03-01 10:03:59.999 code=99991400
2025-03-01T18:04:00+08:00 code=99991400
no timestamp here code=99991400
";
    let (doc, _) = scan_json(&["--timeline", "--bucket", "1m"], Some(log.as_bytes()), 0);
    let t = &doc["timeline"];
    assert_eq!(t["bucket_seconds"], 60);
    assert_eq!(t["start"], "2025-03-01T10:00:00");
    assert_eq!(t["end"], "2025-03-01T10:04:00");
    assert_eq!(t["buckets"], 5);
    assert_eq!(t["total"], serde_json::json!([2, 1, 0, 1, 1]));
    assert_eq!(t["without_time"], 1);
    assert_eq!(code(&doc, 99991400)["timeline"], serde_json::json!([2, 0, 0, 1, 1]));
    assert_eq!(code(&doc, 99991663)["timeline"], serde_json::json!([0, 1, 0, 0, 0]));

    // Automatic width: the narrowest of 1s, 5s, 10s, 30s, 1m, 5m ... fitting 60 columns.
    let (doc, _) = scan_json(&["--timeline"], Some(log.as_bytes()), 0);
    assert_eq!(doc["timeline"]["bucket_seconds"], 5);
    assert_eq!(doc["timeline"]["buckets"], 48);

    // The text form draws a sparkline per code.
    let out =
        larkerr().args(["scan", "--timeline", "--bucket", "1m"]).write_stdin(log).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("one column = 1m (5 columns)"), "{text}");
    assert!(text.contains("99991400   █  ▄▄ max 2 per 1m"), "{text}");
    assert!(text.contains("1 occurrence without a timestamp"), "{text}");
    // Without --timeline there is no timeline.
    let (doc, _) = scan_json(&[], Some(log.as_bytes()), 0);
    assert!(doc["timeline"].is_null());
}

#[test]
fn bucket_requires_timeline_and_a_valid_width() {
    larkerr().args(["scan", "--bucket", "5m"]).write_stdin("").assert().code(2);
    larkerr().args(["scan", "--timeline", "--bucket", "5x"]).write_stdin("").assert().code(2);
}

#[test]
fn json_shape() {
    let dir = log_dir();
    let (doc, _) = scan_json(&[dir.path().to_str().unwrap(), "--timeline"], None, 0);
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let mut top = keys(&doc);
    top.sort();
    assert_eq!(
        top,
        [
            "bytes",
            "categories",
            "codes",
            "distinct_codes",
            "inputs",
            "lines",
            "not_in_catalog",
            "not_listed",
            "problem_count",
            "problems",
            "timeline",
            "total"
        ]
    );
    let mut per_code = keys(&doc["codes"][0]);
    per_code.sort();
    assert_eq!(
        per_code,
        [
            "action",
            "category",
            "code",
            "count",
            "diagnosis",
            "earliest",
            "entries",
            "first",
            "known",
            "last",
            "latest",
            "live_msgs",
            "message",
            "retryable",
            "share",
            "timeline",
            "without_msg",
            "without_time"
        ]
    );
    let mut position = keys(&doc["codes"][0]["first"]);
    position.sort();
    assert_eq!(position, ["line", "path", "time"]);
    let mut category = keys(&doc["categories"][0]);
    category.sort();
    assert_eq!(category, ["category", "count", "not_in_catalog", "share"]);
    assert_eq!(doc["codes"][0]["retryable"], true);
}

#[test]
fn binary_input_is_reported_and_skipped_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("core.bin");
    let mut bytes = b"code=99991400\n".to_vec();
    bytes.extend_from_slice(&[0, 1, 2, 0xff, 0xfe]);
    bytes.extend_from_slice(b"code=99991663\n");
    fs::write(&bin, &bytes).unwrap();
    let (doc, stderr) = scan_json(&[bin.to_str().unwrap()], None, 0);
    assert_eq!(doc["total"], 1, "codes before the binary data count, none after");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("core.bin: binary data at byte 14"), "{stderr}");
    assert_eq!(doc["problems"][0]["unreadable"], false);
}

#[test]
fn invalid_utf8_is_tolerated() {
    let mut bytes = b"\xff\xfe garbage \xc3\x28 code=1254040 msg=\"bad \xe2\x82 text\"\n".to_vec();
    bytes.extend_from_slice(b"\x80\x81{\"code\":99991400}\xff\n");
    let (doc, stderr) = scan_json(&[], Some(&bytes), 0);
    assert!(stderr.is_empty());
    assert_eq!(doc["total"], 2);
    assert_eq!(code(&doc, 1254040)["live_msgs"][0]["msg"], "bad \u{fffd} text");
}

#[test]
fn a_long_line_without_newline_is_scanned_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.log");
    let mut f = fs::File::create(&path).unwrap();
    f.write_all(b"2025-03-01T10:00:00Z ").unwrap();
    let pad = vec![b'x'; 1 << 20];
    for i in 0..5 {
        f.write_all(&pad).unwrap();
        write!(f, " code={} msg=\"deep {i}\" ", 1_254_040 + i).unwrap();
    }
    f.write_all(&pad).unwrap();
    drop(f);
    let (doc, stderr) = scan_json(&[path.to_str().unwrap()], None, 0);
    assert!(stderr.is_empty());
    assert_eq!(doc["lines"], 1);
    assert_eq!(doc["total"], 5);
    for i in 0..5 {
        let c = code(&doc, 1_254_040 + i);
        assert_eq!(c["live_msgs"][0]["msg"], format!("deep {i}"));
        assert_eq!(c["first"]["line"], 1);
        assert_eq!(c["first"]["time"], "2025-03-01T10:00:00", "the line's timestamp, far back");
    }
}

#[test]
fn missing_and_unreadable_paths_fail_at_the_end_but_the_rest_is_scanned() {
    let dir = log_dir();
    let missing = dir.path().join("no-such.log");
    let locked = dir.path().join("locked.log");
    fs::write(&locked, "code=99991663\n").unwrap();
    let (doc, stderr) = scan_json(
        &[missing.to_str().unwrap(), dir.path().join("a.log").to_str().unwrap()],
        None,
        2,
    );
    assert_eq!(doc["total"], 2, "a.log was still scanned");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no-such.log: No such file or directory"), "{stderr}");
    assert_eq!(doc["problems"][0]["unreadable"], true);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads it anyway; only check the failure where permissions hold.
        if fs::File::open(&locked).is_err() {
            let out = larkerr().arg("scan").arg(&locked).arg(dir.path().join("a.log")).output();
            let out = out.unwrap();
            assert_eq!(out.status.code(), Some(2));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("locked.log: Permission denied"), "{stderr}");
            assert_eq!(stderr.lines().count(), 1);
        }
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn broken_gzip_is_reported_once_and_fails_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let good = gzip(b"code=99991400\ncode=99991663\n");
    // Truncated: the codes decompressed before the break still count.
    let mut log = Vec::new();
    for i in 0..2000 {
        writeln!(log, "line {i} code=99991400").unwrap();
    }
    let whole = gzip(&log);
    fs::write(dir.path().join("1-truncated.log.gz"), &whole[..whole.len() / 2]).unwrap();
    fs::write(dir.path().join("2-garbage.log.gz"), b"this is not gzip\n").unwrap();
    // A wrong CRC in the trailer.
    let mut corrupt = good.clone();
    let crc = corrupt.len() - 8;
    corrupt[crc] ^= 0xff;
    fs::write(dir.path().join("3-corrupt.log.gz"), &corrupt).unwrap();
    fs::write(dir.path().join("4-good.log.gz"), &good).unwrap();
    let (doc, stderr) = scan_json(&[dir.path().to_str().unwrap()], None, 2);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].contains("1-truncated.log.gz: broken gzip data"), "{stderr}");
    assert!(lines[1].contains("2-garbage.log.gz: broken gzip data: not in gzip format"));
    assert!(lines[2].contains("3-corrupt.log.gz: broken gzip data"), "{stderr}");
    assert!(code(&doc, 99991663)["last"]["path"].as_str().unwrap().ends_with("4-good.log.gz"));
    assert!(code(&doc, 99991400)["count"].as_u64().unwrap() > 2, "codes before the break count");
}

#[test]
fn text_output_when_nothing_is_found() {
    larkerr()
        .arg("scan")
        .write_stdin("hello\nworld code=200\n")
        .assert()
        .success()
        .stdout("No Feishu error codes in 1 input (21 B, 2 lines).\n");
}

#[test]
fn codes_documented_only_on_api_pages_are_in_the_catalog() {
    // 230002 is not on the generic page; the IM API pages document it.
    assert!(lark_errors::lookup(230002).is_empty());
    let documented = lark_errors::lookup_apis(230002)[0].message();
    let log = format!(
        "2025-03-01T10:00:00Z code=230002 msg=\"{documented}\"\n\
         2025-03-01T10:00:01Z resp.code=230002\n"
    );
    let (doc, _) = scan_json(&[], Some(log.as_bytes()), 0);
    let c = code(&doc, 230002);
    assert_eq!(c["count"], 2, "documented, so it counts without a msg too");
    assert_eq!(c["known"], true);
    assert_eq!(c["message"], documented);
    assert!(c["diagnosis"].is_null(), "no heuristic for a documented code");
    assert_eq!(doc["not_in_catalog"], 0);
    let out = larkerr().arg("scan").write_stdin(log).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("not in the catalog"), "{text}");
    assert!(text.contains(&format!("documented  {documented}")), "{text}");
}
