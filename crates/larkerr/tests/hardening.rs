//! What hostile or unusual input and output showed: each case failed before its fix.

mod common;

use std::fs;
use std::process::Stdio;

use common::run;
use serde_json::Value;

fn json(args: &[&str], stdin: &[u8]) -> Value {
    let r = run(args, Some(stdin));
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

// --- classify input ----------------------------------------------------------------

#[test]
fn an_empty_body_with_a_status_is_classified_from_the_status_and_headers() {
    let d = json(&["classify", "--json", "--status", "429", "-H", "x-ogw-ratelimit-reset: 7"], b"");
    assert_eq!(d["category"], "rate_limited", "{d}");
    assert_eq!(d["basis"], "http_status");
    assert_eq!(d["retry_after_secs"], 7);
    let d = json(&["classify", "--json", "--status", "503"], b"  \n");
    assert_eq!(d["http_status"], 503);
    assert!(d["category"].is_string(), "{d}");
    // Words too, and still exit 2 without any evidence.
    let r = run(&["classify", "--status", "429"], Some(b""));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("rate limited"), "{}", r.stdout);
    let r = run(&["classify"], Some(b""));
    assert_eq!((r.code, r.stderr.as_str()), (2, "larkerr: the input is empty\n"));
}

#[test]
fn a_json_body_with_a_utf8_bom_is_accepted() {
    let body =
        b"\xef\xbb\xbf{\"code\":99991663,\"msg\":\"Invalid access token for authorization.\"}";
    let d = json(&["classify", "--json"], body);
    assert_eq!(d["code"], 99991663);
    assert_eq!(d["basis"], "catalog");
}

#[test]
fn utf16_input_is_named_as_utf16() {
    let body = "{\"code\":99991663,\"msg\":\"x\"}";
    let le: Vec<u8> = body.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let with_bom = [&[0xFF, 0xFE][..], &le].concat();
    let be: Vec<u8> = body.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (input, order) in [(&le, "little"), (&with_bom, "little"), (&be, "big")] {
        let r = run(&["classify"], Some(input));
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains(&format!("UTF-16 ({order}-endian)")), "{}", r.stderr);
        assert!(!r.stderr.contains("binary"), "{}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1);
    }
}

#[test]
fn control_characters_from_a_response_are_escaped_coloured_or_not() {
    let body = "{\"code\":99991663,\"msg\":\"bad \\u001b[2J\\u001b]0;owned\\u0007 token\",\
                \"error\":{\"log_id\":\"L\\u001b[31m1\"}}";
    for color in ["never", "always"] {
        let r = run(&["--color", color, "classify"], Some(body.as_bytes()));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains('\u{7}'), "{color}: a bell got through");
        assert!(!r.stdout.contains("\u{1b}[2J") && !r.stdout.contains("\u{1b}]0;"), "{color}");
        assert!(!r.stdout.contains("\u{1b}[31m1"), "{color}");
        assert!(r.stdout.contains("bad \\u{1b}[2J\\u{1b}]0;owned\\u{7} token"), "{}", r.stdout);
        assert!(r.stdout.contains("L\\u{1b}[31m1"), "{}", r.stdout);
    }
    // Without colour no escape character at all is written.
    let r = run(&["--color", "never", "classify"], Some(body.as_bytes()));
    assert!(!r.stdout.contains('\u{1b}'));
}

#[test]
fn scan_escapes_control_characters_the_same_way() {
    let log = "t code=99991663 msg=\"bad \\u001b[31mred\\u0007\"\n";
    for color in ["never", "always"] {
        let r = run(&["--color", color, "scan"], Some(log.as_bytes()));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains('\u{7}') && !r.stdout.contains("\u{1b}[31mred"), "{color}");
        assert!(r.stdout.contains("bad \\u{1b}[31mred\\u{7}"), "{}", r.stdout);
    }
}

// --- failures are one line on stderr -------------------------------------------------

#[test]
fn write_errors_name_what_was_written() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let r = run(&["export", "--format", "json", "-o", "/dev/full"], None);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "larkerr: cannot write to /dev/full: No space left on device\n");
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_larkerr"))
        .arg("list")
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "larkerr: cannot write to stdout: No space left on device\n"
    );
}

#[test]
fn a_closed_stdout_is_an_error_not_silent_success() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_larkerr");
    let sh = |script: &str| {
        std::process::Command::new("sh").arg("-c").arg(script).arg(bin).output().unwrap()
    };
    for args in ["list", "explain 99991663", "export --format csv"] {
        let out = sh(&format!("exec \"$0\" {args} >&-"));
        assert_eq!(out.status.code(), Some(2), "{args}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "larkerr: cannot write to stdout: it is closed\n"
        );
    }
    // `>/dev/null` is a place to write to, not a closed stdout.
    let out = sh("exec \"$0\" list >/dev/null");
    assert_eq!((out.status.code(), out.stderr.as_slice()), (Some(0), &b""[..]));
}

#[test]
fn a_huge_argument_is_not_echoed_back_in_full() {
    let big = "x".repeat(100 * 1024);
    let file = format!("/nonexistent-dir/{big}");
    for args in [
        vec!["search", big.as_str()],
        vec!["list", "--category", big.as_str()],
        vec!["classify", file.as_str()],
        vec!["export", "--format", "json", "-o", file.as_str()],
    ] {
        let r = run(&args, Some(b"{}"));
        assert_ne!(r.code, 0, "{}", &args[0]);
        assert_eq!(r.stderr.lines().count(), 1, "{}", &args[0]);
        assert!(r.stderr.len() < 700, "{}: {} bytes", &args[0], r.stderr.len());
        assert!(r.stderr.contains('…'), "{}", r.stderr);
    }
    // What to do next survives the cut.
    let r = run(&["list", "--category", &big], None);
    assert!(r.stderr.contains("[possible values: authentication,"), "{}", r.stderr);
    assert!(r.stderr.ends_with("(see `larkerr --help`)\n"), "{}", r.stderr);
    // Cut on a character boundary: a long Chinese argument stays valid UTF-8.
    let wide = "权".repeat(30_000);
    let r = run(&["search", &wide], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.chars().count() < 400 && r.stderr.ends_with("`\n"), "{}", r.stderr);
}

// --- scan --json has a schema ---------------------------------------------------------

fn scan_validator() -> jsonschema::Validator {
    let read = |name: &str| -> Value {
        serde_json::from_str(
            &fs::read_to_string(common::repo().join("schemas").join(name)).unwrap(),
        )
        .unwrap()
    };
    let (entry, scan) = (read("entry.schema.json"), read("scan.schema.json"));
    let registry = jsonschema::Registry::new()
        .add(entry["$id"].as_str().unwrap(), entry.clone())
        .unwrap()
        .prepare()
        .unwrap();
    jsonschema::options().with_registry(&registry).build(&scan).expect("the scan schema compiles")
}

#[test]
fn scan_json_satisfies_its_schema() {
    let validator = scan_validator();
    let log = "2025-03-01T10:00:00Z {\"code\":99991400,\"msg\":\"request trigger frequency limit\"}\n\
               2025-03-01T10:01:00Z {\"code\":40001,\"msg\":\"param error\"}\n\
               code=1254040 msg=BaseTokenNotFound\n\
               2025-03-01T10:02:20Z {\"code\":40001,\"msg\":\"Param Error.\"}\n";
    for args in [
        &["scan", "--json"][..],
        &["scan", "--json", "--timeline"],
        &["scan", "--json", "--top", "1"],
        &["scan", "--json", "-", "/nonexistent-dir/x.log"],
    ] {
        let r = run(args, Some(log.as_bytes()));
        let doc: Value = serde_json::from_str(&r.stdout).unwrap();
        common::assert_valid(&validator, &doc);
    }
    // Nothing found, and a timeline without timestamps.
    let r = run(&["scan", "--json", "--timeline"], Some(b"code=99991400\n"));
    common::assert_valid(&validator, &serde_json::from_str(&r.stdout).unwrap());
    let r = run(&["scan", "--json"], Some(b"nothing here\n"));
    common::assert_valid(&validator, &serde_json::from_str(&r.stdout).unwrap());
    // The schema is strict: an unknown key fails it.
    let mut doc: Value =
        serde_json::from_str(&run(&["scan", "--json"], Some(log.as_bytes())).stdout).unwrap();
    doc["codes"][0]["surprise"] = Value::Bool(true);
    assert!(!validator.is_valid(&doc));
}

// --- one printer ----------------------------------------------------------------------

#[test]
fn every_command_colours_by_the_one_resolved_choice() {
    let base = common::repo().join("crates/larkerr/tests/fixtures/doc/base.md");
    let added = common::repo().join("crates/larkerr/tests/fixtures/doc/added.md");
    let (base, added) = (base.to_str().unwrap(), added.to_str().unwrap());
    let log = b"2025-03-01T10:00:00Z code=99991400 msg=\"request trigger frequency limit\"\n";
    let body = br#"{"code":99991663,"msg":"Invalid access token for authorization."}"#;
    let cases: [(&[&str], Option<&[u8]>); 7] = [
        (&["explain", "99991663"], None),
        (&["search", "frequency"], None),
        (&["list", "--category", "rate_limited"], None),
        (&["classify"], Some(body)),
        (&["scan", "--timeline"], Some(log)),
        (&["doc", "check", base], None),
        (&["doc", "diff", base, added], None),
    ];
    for (args, stdin) in cases {
        for (color, force, expect) in [("always", false, true), ("never", true, false)] {
            let mut cmd = common::larkerr();
            cmd.arg("--color").arg(color).args(args);
            if force {
                cmd.env("CLICOLOR_FORCE", "1").env_remove("NO_COLOR");
            }
            cmd.write_stdin(stdin.unwrap_or_default().to_vec());
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert_eq!(text.contains('\u{1b}'), expect, "--color {color} {args:?}:\n{text}");
        }
    }
}
