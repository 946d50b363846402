//! `larkerr explain` across API pages and with `--api 'METHOD URL'`, run as the real
//! binary; every expectation is recomputed from the library's catalog.

mod common;

use common::{assert_valid, entries_validator, ok, run};
use insta::assert_snapshot;
use lark_errors::catalog::{Method, lookup_apis, meanings, route};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("valid JSON")
}

/// Every line fits the width, but a URL or a single word too long for its indented
/// line (the line is then that word alone).
fn assert_fits(out: &str, width: usize) {
    for line in out.lines() {
        if larkerr::render::width(line) > width {
            // (After its label, if any: labels end with two spaces.)
            let alone = !line.trim().rsplit("  ").next().unwrap_or("").contains(' ');
            assert!(line.contains("://") || alone, "wider than {width}: {line:?}");
        }
    }
}

/// Codes documented only on API pages (232011: one meaning on 25 pages; 230001: two
/// meanings); 40001, a generic code with six more meanings, is in commands.rs.
#[test]
fn across_apis_snapshots() {
    for code in ["232011", "230001"] {
        let out = ok(&["explain", code]);
        assert_fits(&out, 80);
        assert_snapshot!(format!("across_apis_{code}"), out);
    }
    assert_snapshot!("across_apis_232011_all", ok(&["explain", "--all", "232011"]));
}

#[test]
fn across_apis_counts_come_from_the_catalog() {
    let out = ok(&["explain", "232011"]);
    let ms = meanings(232011);
    let apis: usize = ms.iter().map(|m| m.apis().count()).sum();
    let pages: usize = ms.iter().map(|m| m.entries().len()).sum();
    let head = format!(
        "232011 on API pages: {} meaning{} on {pages} pages ({apis} APIs)",
        ms.len(),
        if ms.len() == 1 { "" } else { "s" }
    );
    assert!(out.starts_with(&head), "{out}");
    // A few APIs, then how many more; --all lists each one once.
    let more = apis - 3;
    assert!(out.contains(&format!("… and {more} more (--all lists every API)")), "{out}");
    let all = ok(&["explain", "--all", "232011"]);
    for api in ms[0].apis() {
        // (A path too long for the line wraps under its method.)
        let words = all.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = api.to_string();
        let listed = words.contains(&format!("{name} (")) || words.contains(&format!("{name} "));
        assert!(listed, "{api} missing from --all");
    }
    // Shortest path first.
    let listed: Vec<&str> = all
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1).filter(|p| p.starts_with("/open-apis/")))
        .collect();
    let mut sorted = listed.clone();
    sorted.sort_by_key(|p| p.len());
    assert_eq!(listed, sorted);
}

#[test]
fn many_meanings_are_summarised_at_80_columns() {
    // 40001 has more meanings than are shown in full: each is a summary, without advice.
    let out = ok(&["explain", "40001"]);
    let across = &out[out.find("40001 on API pages").unwrap()..];
    assert!(!across.contains("    advice "), "{across}");
    assert!(across.contains("--api 'METHOD URL'"), "{across}");
    let all = ok(&["explain", "--all", "40001"]);
    let across = &all[all.find("40001 on API pages").unwrap()..];
    assert_eq!(across.matches("  advice").count(), meanings(40001).len());
}

#[test]
fn with_the_api_its_own_entry_comes_first() {
    let url = "POST https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id";
    let out = ok(&["explain", "230002", "--api", url]);
    assert_fits(&out, 80);
    assert_snapshot!("api_230002_send_message", out);
    let api = route(Method::Post, url.split_once(' ').unwrap().1).unwrap();
    let own = api.lookup(230002)[0];
    assert!(out.starts_with(&format!("230002  {}\n  api        {api} (", own.message())));
    assert!(out.contains(&format!("http       sent with HTTP {}", own.http_status().unwrap())));
    // Its meaning is shared with other pages: how many is said once, here.
    let shared = own.meaning().unwrap().entries().len() - 1;
    assert!(out.contains(&format!("the same meaning is on {shared} other API pages")), "{out}");
    // The other meanings follow, the API's own left out.
    let others = meanings(230002).len() - 1;
    assert!(out.contains(&format!("230002 on other API pages: {others} meaning")), "{out}");
}

#[test]
fn with_an_api_whose_page_does_not_document_the_code() {
    // The generic entry follows; or, for a code only other API pages document, those.
    let out = ok(&["explain", "99991400", "--api", "POST /open-apis/im/v1/messages"]);
    let note = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(note.contains("does not document 99991400; the generic entry follows"), "{out}");
    assert_snapshot!("api_99991400_send_message", out);
    let out = ok(&["explain", "232011", "--api", "POST /open-apis/im/v1/messages"]);
    let note = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(note.contains("its meanings on other API pages follow"), "{out}");
}

#[test]
fn json_is_every_entry_in_the_order_shown() {
    let value = json(&["explain", "--json", "230002", "--api", "POST /open-apis/im/v1/messages"]);
    assert_valid(&entries_validator(), &value);
    let entries = value.as_array().unwrap();
    // The API's own entry first, then every entry of the code's other meanings (the
    // meaning of the API's own entry is that entry).
    assert_eq!(entries[0]["api"]["path"], "/open-apis/im/v1/messages");
    assert_eq!(entries[0]["http_status"], 400);
    let api = route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    let own = api.lookup(230002);
    let others: usize = meanings(230002)
        .iter()
        .filter(|m| !m.entries().iter().any(|e| own.iter().any(|o| std::ptr::eq(e, *o))))
        .map(|m| m.entries().len())
        .sum();
    assert_eq!(entries.len(), own.len() + others);
    assert!(others > 0 && lookup_apis(230002).len() > own.len() + others);
    assert_snapshot!("api_230002_json", serde_json::to_string_pretty(&value).unwrap());
    // Without an API: generic entries (no `api`) first.
    let value = json(&["explain", "--json", "99991400"]);
    assert_valid(&entries_validator(), &value);
    assert!(value[0].get("api").is_none());
    assert_eq!(value[0]["source"]["file"], lark_errors::lookup(99991400)[0].source().file);
}

#[test]
fn every_code_on_api_pages_explains_within_80_columns() {
    // Every distinct code of the API pages, in batches (argument lists stay short).
    let mut codes: Vec<String> =
        lark_errors::catalog::api_entries().iter().map(|e| e.code().to_string()).collect();
    codes.dedup();
    for batch in codes.chunks(400) {
        let mut args = vec!["explain"];
        args.extend(batch.iter().map(String::as_str));
        let r = run(&args, None);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{:?}", &batch[..3]);
        assert_fits(&r.stdout, 80);
    }
}

#[test]
fn bad_api_arguments_are_usage_errors_in_one_line() {
    let cases: [(&[&str], &str); 4] = [
        (&["explain", "230002", "--api", "FETCH /open-apis/im/v1/messages"], "unknown HTTP method"),
        (&["explain", "230002", "--api", "GET /open-apis/no/such"], "is not a documented API"),
        (
            &["explain", "230002", "--api", "PUT /open-apis/im/v1/messages"],
            "documented for GET and POST",
        ),
        (&["explain", "230002", "--api", "/open-apis/im/v1/messages"], "give the method"),
    ];
    let mut report = String::new();
    for (args, says) in cases {
        let r = run(args, None);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        report.push_str(&format!("larkerr {}\n  {}", args.join(" "), r.stderr));
    }
    assert_snapshot!("bad_api_arguments", report);
    // A code documented nowhere still exits 1, with or without an API.
    let r = run(&["explain", "12345", "--api", "POST /open-apis/im/v1/messages"], None);
    assert_eq!((r.code, r.stderr.as_str()), (1, "larkerr: 12345 is not a documented error code\n"));
}

#[test]
fn help_describes_the_new_flags() {
    assert_snapshot!("explain_help", ok(&["explain", "--help"]));
}
