//! Bad usage and unreadable input: exit status 2, one clear line on stderr, nothing on
//! stdout, never a panic.

mod common;

use common::run;

/// Runs each case and renders `args => status, stderr` for one snapshot.
fn cases(cases: &[(&[&str], Option<&[u8]>)]) -> String {
    let mut report = String::new();
    for (args, stdin) in cases {
        let r = run(args, *stdin);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert_eq!(r.stdout, "", "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: one line, got {:?}", r.stderr);
        assert!(r.stderr.starts_with("larkerr: "), "{args:?}: {:?}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{args:?}");
        let input = match stdin {
            Some(bytes) if bytes.len() > 40 => format!(" <<< ({} bytes)", bytes.len()),
            Some(bytes) => format!(" <<< {:?}", String::from_utf8_lossy(bytes)),
            None => String::new(),
        };
        report.push_str(&format!("larkerr {}{input}\n  {}", args.join(" "), r.stderr));
    }
    report
}

#[test]
fn bad_codes() {
    insta::assert_snapshot!(cases(&[
        (&["explain", "abc"], None),
        (&["explain", "-1"], None),
        (&["explain", "99991663x"], None),
        (&["explain", "4294967296"], None),
        (&["explain", "99999999999999999999999"], None),
        (&["explain", ""], None),
    ]));
}

#[test]
fn bad_usage() {
    insta::assert_snapshot!(cases(&[
        (&["frobnicate"], None),
        (&["explain"], None),
        (&["explain", "--lang", "fr", "600"], None),
        (&["search", "  "], None),
        (&["search", "x", "--limit", "many"], None),
        (&["list", "--category", "throttled"], None),
        (&["list", "--action", "pray"], None),
        (&["list", "--token", "jwt"], None),
        (&["list", "--retryable=maybe"], None),
        (&["list", "--json", "--csv"], None),
        (&["export"], None),
        (&["export", "--format", "xml"], None),
        (&["export", "--format", "json", "-o", "/nonexistent-dir/catalog.json"], None),
        (&["completions", "tcsh"], None),
        (&["classify", "--status", "99"], Some(b"{}")),
        (&["classify", "--header", "no colon"], Some(b"{}")),
        (&["--width", "5", "list"], None),
        (&["--color", "sometimes", "list"], None),
    ]));
}

#[test]
fn unreadable_input() {
    let big = vec![b' '; 16 * 1024 * 1024 + 1];
    insta::assert_snapshot!(cases(&[
        (&["classify"], Some(b"")),
        (&["classify"], Some(b" \n\t\n")),
        (&["classify"], Some(b"{\"code\":\0}")),
        (&["classify"], Some(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")),
        (&["classify"], Some(b"{\"code\":1,\"msg\":\"\xff\xfe\"}")),
        (&["classify"], Some(&big)),
        (&["classify", "/nonexistent-dir/response.json"], None),
        (&["classify"], Some(b"this is not a response")),
        (&["classify"], Some(b"{\"no_code\":true}")),
        (&["classify"], Some(b"HTTP/1.1 abc\r\n\r\n{}")),
    ]));
}

#[test]
fn exactly_16_mib_is_accepted() {
    let mut body = br#"{"code":99991400,"msg":"request trigger frequency limit"}"#.to_vec();
    body.resize(16 * 1024 * 1024, b' ');
    let r = run(&["classify", "--json"], Some(&body));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn no_input_on_a_terminal_or_a_missing_subcommand() {
    // A bare `larkerr` shows its help on stderr with exit status 2.
    let r = run(&[], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(r.stderr.contains("Usage: larkerr"), "{}", r.stderr);
}
