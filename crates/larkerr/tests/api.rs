//! `larkerr api QUERY`, run as the real binary; every expectation is recomputed from
//! the library's catalog.

mod common;

use common::{assert_valid, entries_validator, ok, run};
use insta::assert_snapshot;
use lark_errors::catalog::{Method, route};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("valid JSON")
}

#[test]
fn by_route_in_full() {
    let out = ok(&[
        "api",
        "POST",
        "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id",
    ]);
    assert_snapshot!("route_send_message", out);
    let api = route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    assert!(out.starts_with(&format!("{api}  {}\n", api.title())));
    assert!(out.contains(&format!("rate limit    {}", api.rate_limit().unwrap())));
    assert!(out.contains("any one of them suffices"), "{out}");
    for scope in api.scopes().iter().chain(api.field_scopes()) {
        assert!(out.contains(scope.id()), "{} missing", scope.id());
    }
    // Every code of its page, with its category and action.
    for e in api.entries() {
        assert!(out.contains(&format!("    {}  ", e.code())), "{} missing", e.code());
    }
    let codes: std::collections::BTreeSet<u32> =
        api.entries().iter().filter(|e| e.parent_code().is_none()).map(|e| e.code()).collect();
    assert!(out.contains(&format!("errors        {} codes on its page", codes.len())), "{out}");
    // The same API by a quoted `METHOD URL`, by a concrete URL with real IDs, and by
    // an URL whose path has one method only.
    assert_eq!(ok(&["api", "post /open-apis/im/v1/messages"]), out);
    let chat = ok(&["api", "GET https://open.larksuite.com/open-apis/im/v1/chats/oc_a0553eda?x=1"]);
    assert!(chat.starts_with("GET /open-apis/im/v1/chats/:chat_id  "), "{chat}");
    let reaction = ok(&["api", "/open-apis/im/v1/messages/om_1/reactions/r_1"]);
    assert!(reaction.starts_with("DELETE /open-apis/im/v1/messages/:message_id/reactions/"));
}

#[test]
fn by_title_the_exact_title_wins_and_the_others_are_counted() {
    let out = ok(&["api", "发送消息"]);
    assert!(out.starts_with("POST /open-apis/im/v1/messages  发送消息\n"), "{out}");
    let others = lark_errors::apis()
        .iter()
        .filter(|a| a.title() != "发送消息" && (a.title().contains("发送消息")))
        .count();
    assert!(out.ends_with(&format!("{others} other APIs match `发送消息` (--list lists them)\n")));
    let list = ok(&["api", "--list", "发送消息"]);
    assert_snapshot!("title_send_message_list", list);
    assert!(list.starts_with(&format!("{} APIs match `发送消息`:", others + 1)), "{list}");
}

#[test]
fn several_matches_are_a_short_list_with_the_count() {
    // A path fragment with two methods.
    let out = ok(&["api", "im/v1/messages"]);
    assert_snapshot!("path_two_methods", out);
    // A title word with many matches: the first ten and how many in all.
    let out = ok(&["api", "群菜单"]);
    let n = lark_errors::apis().iter().filter(|a| a.title().contains("群菜单")).count();
    assert!(out.starts_with(&format!("{n} APIs match `群菜单`")), "{out}");
    let out = ok(&["api", "消息"]);
    let n = lark_errors::apis()
        .iter()
        .filter(|a| a.title().contains("消息") || a.path().contains("消息"))
        .count();
    assert!(n > 10);
    assert!(
        out.starts_with(&format!("{n} APIs match `消息` (the first 10; --limit 0 lists all):")),
        "{out}"
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("  ")).count(), 10);
    assert_snapshot!("title_many_matches", out);
    let all = ok(&["api", "--limit", "0", "消息"]);
    assert_eq!(all.lines().filter(|l| l.starts_with("  ")).count(), n);
}

#[test]
fn json_has_the_api_and_its_entries() {
    let out = ok(&["api", "--json", "POST /open-apis/acs/v1/visitors"]);
    assert_snapshot!("json_add_visitor", out);
    let value: Value = serde_json::from_str(&out).unwrap();
    let api = route(Method::Post, "/open-apis/acs/v1/visitors").unwrap();
    let v = &value[0];
    assert_eq!(value.as_array().unwrap().len(), 1);
    assert_eq!((v["method"].as_str(), v["path"].as_str()), (Some("POST"), Some(api.path())));
    assert_eq!(v["errors"].as_array().unwrap().len(), api.entries().len());
    assert_eq!(v["entries"], api.entries().len());
    assert_valid(&entries_validator(), &v["errors"]);
    // Several matches: one object for each, as listed.
    let value = json(&["api", "--json", "im/v1/messages"]);
    let paths: Vec<&str> =
        value.as_array().unwrap().iter().map(|a| a["method"].as_str().unwrap()).collect();
    assert_eq!(paths, ["GET", "POST"]);
}

#[test]
fn misses_exit_1_and_bad_usage_2_in_one_line() {
    let cases: [(&[&str], i32, &str); 5] = [
        (&["api", "GET", "/open-apis/no/such"], 1, "is not a documented API"),
        (&["api", "PUT /open-apis/im/v1/messages"], 1, "documented for GET and POST"),
        (&["api", "no-such-title-anywhere"], 1, "no API's title or path contains"),
        (&["api", "FETCH", "/open-apis/im/v1/messages"], 2, "unknown HTTP method"),
        (&["api", " "], 2, "the query is empty"),
    ];
    let mut report = String::new();
    for (args, code, says) in cases {
        let r = run(args, None);
        assert_eq!((r.code, r.stdout.as_str()), (code, ""), "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        report.push_str(&format!("larkerr {} => {code}\n  {}", args.join(" "), r.stderr));
    }
    assert_snapshot!("misses", report);
}

#[test]
fn control_characters_in_a_query_are_escaped() {
    let r = run(&["api", "\u{1b}[31mno such\u{7}"], None);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains('\u{1b}') && r.stderr.contains("\\u{1b}"), "{:?}", r.stderr);
}

#[test]
fn help_describes_the_command_and_its_flags() {
    assert_snapshot!("api_help", ok(&["api", "--help"]));
}

#[test]
fn the_readme_examples_are_real_output() {
    // Every ```console block of the README that runs larkerr alone (no pipe) prints
    // exactly what the block shows, at 80 columns without colour.
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let (command, shown) = block.split_once('\n').unwrap();
        let Some(args) = command.strip_prefix("$ larkerr ") else { continue };
        if args.contains('|') {
            continue;
        }
        let args: Vec<&str> = args.split_whitespace().collect();
        assert_eq!(ok(&args), shown, "README: larkerr {}", args.join(" "));
        checked += 1;
    }
    assert!(checked >= 2, "the README's examples were not found");
}
