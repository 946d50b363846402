//! The platform catalog: routing over every API, resolution layers, sub-codes, and the
//! README's counts recounted from the vendored pages by plain line matching (not the
//! page parser).
#![cfg(feature = "apis")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lark_errors::catalog::{Api, Layer, Method};
use lark_errors::template::MatchQuality;

const PAGES_DIR: &str = "../../data/sources/feishu-api-pages.zh.2026-01-09";

/// A concrete URL for `api`: parameters filled with ID-like values, on either host.
fn concrete(api: &Api, n: usize) -> String {
    let host = if n % 2 == 0 { "https://open.feishu.cn" } else { "https://open.larksuite.com" };
    let path: Vec<String> = api
        .path()
        .split('/')
        .map(|s| if s.starts_with(':') { format!("x{n}Q{}", s.len()) } else { s.to_owned() })
        .collect();
    format!("{host}{}?page_size=20&user_id_type=open_id#top", path.join("/"))
}

#[test]
fn every_api_routes_to_itself_from_a_concrete_url() {
    let mut failures = Vec::new();
    for (n, api) in lark_errors::apis().iter().enumerate() {
        let url = concrete(api, n);
        match lark_errors::route(api.method(), &url) {
            Some(got) if std::ptr::eq(got, api) => {}
            got => failures.push(format!("{api} <- {url}: got {got:?}")),
        }
        // The bare path routes too.
        let bare = url.split_once(".cn").or(url.split_once(".com")).unwrap().1;
        assert!(lark_errors::route(api.method(), bare).is_some_and(|a| std::ptr::eq(a, api)));
        // Without a method: exactly when the path has one method.
        let candidates = lark_errors::route_candidates(&url);
        assert!(candidates.iter().any(|a| std::ptr::eq(*a, api)), "{api}");
        if candidates.len() == 1 {
            assert!(lark_errors::route_path(&url).is_some_and(|a| std::ptr::eq(a, api)));
        } else {
            assert!(lark_errors::route_path(&url).is_none());
        }
    }
    assert!(
        failures.is_empty(),
        "{} APIs do not route to themselves:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn literal_segments_beat_parameters() {
    // Both `/chats/:chat_id` and literal siblings exist under /im/v1/chats.
    let search = lark_errors::route(Method::Get, "/open-apis/im/v1/chats/search?query=x").unwrap();
    assert_eq!(search.path(), "/open-apis/im/v1/chats/search");
    let chat = lark_errors::route(
        Method::Get,
        "/open-apis/im/v1/chats/oc_a0553eda9014c201e6969b478895c230",
    )
    .unwrap();
    assert_eq!(chat.path(), "/open-apis/im/v1/chats/:chat_id");
}

#[test]
fn routing_refuses_what_is_not_an_api() {
    for url in [
        "",
        "/",
        "/open-apis",
        "https://open.feishu.cn",
        "/open-apis/im/v1/messages/a/b/c/d/e/f",
        "not a url",
    ] {
        assert!(lark_errors::route(Method::Get, url).is_none(), "{url}");
    }
    assert!(lark_errors::route(Method::Put, "/open-apis/im/v1/messages").is_none());
}

#[test]
fn an_api_gives_its_page_facts_and_entries() {
    let api = lark_errors::route(Method::Post, "https://open.feishu.cn/open-apis/im/v1/messages")
        .unwrap();
    assert_eq!(api.title(), "发送消息");
    assert_eq!(api.doc_url(), "https://open.feishu.cn/document/server-docs/im-v1/message/create");
    assert_eq!(api.updated(), "2025-08-12");
    assert_eq!(
        api.rate_limit(),
        Some(lark_errors::catalog::RateLimit::Windows {
            per_second: Some(50),
            per_minute: Some(1000),
            per_hour: None,
            per_day: None,
        })
    );
    assert_eq!(api.rate_limit().unwrap().to_string(), "1000/min, 50/s");
    assert_eq!(
        api.app_types(),
        [lark_errors::catalog::AppType::Custom, lark_errors::catalog::AppType::Store]
    );
    let scopes: Vec<(&str, &str)> = api.scopes().iter().map(|s| (s.id(), s.name())).collect();
    assert_eq!(
        scopes,
        [
            ("im:message", "获取与发送单聊、群组消息"),
            ("im:message:send_as_bot", "以应用的身份发消息"),
            ("im:message:send", "发送消息V2")
        ]
    );
    assert_eq!(
        api.field_scopes().iter().map(|s| s.id()).collect::<Vec<_>>(),
        ["contact:user.employee_id:readonly"]
    );
    let entries = api.entries();
    assert!(entries.windows(2).all(|w| w[0].code() <= w[1].code()));
    assert!(entries.iter().all(|e| e.api().is_some_and(|a| std::ptr::eq(a, api))));
    let e = api.lookup(230002);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message(), "The bot can not be outside the group.");
    assert_eq!(e[0].http_status(), Some(400));
    assert!(e[0].advice_zh().starts_with("机器人不在对应群组中。"));
    assert_eq!(
        e[0].source().file,
        "feishu-api-pages.zh.2026-01-09/server-docs/im-v1/message/create.md"
    );
    assert!(!e[0].is_generic());
    // Sub-codes of 230099 are entries of the API with their parent.
    let sub = api.lookup(11310);
    assert_eq!(sub.len(), 1);
    assert_eq!(sub[0].parent_code(), Some(230099));
}

#[test]
fn every_api_entry_is_reachable_from_its_code_and_its_api() {
    let all = lark_errors::api_entries();
    assert!(all.windows(2).all(|w| w[0].code() <= w[1].code()));
    let mut via_apis = 0;
    for api in lark_errors::apis() {
        for e in api.entries() {
            via_apis += 1;
            assert!(api.lookup(e.code()).iter().any(|f| std::ptr::eq(*f, *e)));
        }
    }
    let with_api = all.iter().filter(|e| e.api().is_some()).count();
    assert_eq!(via_apis, with_api);
    for e in all {
        assert!(lark_errors::lookup_apis(e.code()).iter().any(|f| std::ptr::eq(f, e)));
    }
}

#[test]
fn resolution_layers() {
    let im = lark_errors::route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    // The API's own entry wins.
    let r = lark_errors::resolve_with(230002, "The bot can not be outside the group.", Some(im))
        .unwrap();
    assert_eq!((r.layer, r.quality), (Layer::Api, Some(MatchQuality::Exact)));
    assert!(std::ptr::eq(r.entry.api().unwrap(), im));
    // A code the API's page does not list: the generic page.
    let r =
        lark_errors::resolve_with(99991663, "Invalid access token for authorization.", Some(im))
            .unwrap();
    assert_eq!(r.layer, Layer::Generic);
    assert!(r.entry.is_generic());
    // Neither: across APIs.
    let r = lark_errors::resolve_with(1254045, "FieldNameNotFound", Some(im)).unwrap();
    assert_eq!(r.layer, Layer::AcrossApis);
    assert!(r.entry.api().is_some());
    // Without an API, the generic page for a generic code.
    let r = lark_errors::resolve_with(99991663, "Invalid access token for authorization.", None)
        .unwrap();
    assert_eq!(r.layer, Layer::Generic);
    assert_eq!(lark_errors::resolve_with(12345, "x", None), None);
    // Without an API, a live message the generic entry does not match but an API page
    // documents goes across APIs; one that matches nothing stays generic.
    let r = lark_errors::resolve_with(20002, "The client secret is invalid.", None).unwrap();
    assert_eq!((r.layer, r.quality), (Layer::AcrossApis, Some(MatchQuality::Exact)));
    assert_eq!(r.entry.message(), "The client secret is invalid.");
    let r = lark_errors::resolve_with(20002, "app_id and app_secret did not match", None).unwrap();
    assert_eq!(r.layer, Layer::Generic);
    let r = lark_errors::resolve_with(20002, "something else entirely", None).unwrap();
    assert_eq!((r.layer, r.quality), (Layer::Generic, None));
}

#[test]
fn without_an_api_the_live_message_picks_the_meaning() {
    // Find a code with two meanings whose messages differ, and check each picks its own.
    let mut checked = 0;
    for e in lark_errors::api_entries() {
        let meanings = lark_errors::meanings(e.code());
        if meanings.len() < 2 || !lark_errors::lookup(e.code()).is_empty() {
            continue;
        }
        for m in &meanings {
            let msg = m.entry().message();
            if msg.contains('%')
                || meanings.iter().filter(|o| o.entry().message().eq_ignore_ascii_case(msg)).count()
                    > 1
            {
                continue;
            }
            let r = lark_errors::resolve_with(e.code(), msg, None).unwrap();
            assert_eq!(r.layer, Layer::AcrossApis);
            // The match is exact, so the chosen entry's message matches as well as this one.
            assert_eq!(r.quality, Some(MatchQuality::Exact), "{} {msg}", e.code());
            checked += 1;
        }
        if checked > 200 {
            break;
        }
    }
    assert!(checked > 50, "{checked}");
    // Meanings are grouped: same message key and semantics within, APIs listed.
    let ms = lark_errors::meanings(1470403);
    assert!(ms.len() > 10, "{}", ms.len());
    assert!(ms.windows(2).all(|w| w[0].entries().len() >= w[1].entries().len()));
    for m in &ms {
        assert!(
            m.entries().iter().all(|e| e.category() == m.category() && e.action() == m.action())
        );
    }
}

#[test]
fn a_sub_code_in_the_message_resolves_from_its_parents_table() {
    let im = lark_errors::route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    let msg = "Failed to create card content, ext=ErrCode: 11310; ErrMsg: card table number over limit; code:230099";
    let r = lark_errors::resolve_with(230099, msg, Some(im)).unwrap();
    assert_eq!(r.entry.code(), 230099);
    let sub = r.sub.unwrap();
    assert_eq!((sub.code(), sub.parent_code()), (11310, Some(230099)));
    assert!(std::ptr::eq(sub.api().unwrap(), im));
    // Without the API: still found in some page's 230099 table.
    let r = lark_errors::resolve_with(230099, msg, None).unwrap();
    assert_eq!(r.sub.map(|s| (s.code(), s.parent_code())), Some((11310, Some(230099))));
    // A carried code that is not in the parent's table: no sub.
    let r = lark_errors::resolve_with(230099, "ext=ErrCode: 1; ErrMsg: x", Some(im)).unwrap();
    assert!(r.sub.is_none());
}

#[test]
fn every_sub_code_row_renders_as_a_msg_that_resolves_back_to_it() {
    let mut rows = 0;
    let mut carried_by_parent = 0;
    for sub in lark_errors::catalog::api_entries() {
        let Some(parent_code) = sub.parent_code() else { continue };
        let api = sub.api().expect("sub-code tables are on API pages");
        let parent = api.lookup(parent_code).iter().find(|e| e.parent_code().is_none());
        let parent = parent.expect("the parent code is in the API's own table");
        let values = vec!["v"; sub.placeholders().len()];
        let msg = sub.render_sub_message(parent, &values);
        assert!(msg.contains(&format!("ErrCode: {}", sub.code())), "{msg}");
        let r = lark_errors::resolve_with(parent_code, &msg, Some(api)).unwrap();
        assert_eq!(r.entry.code(), parent_code, "{msg}");
        let found = r.sub.unwrap_or_else(|| panic!("{api}: {msg}"));
        assert_eq!((found.code(), found.parent_code()), (sub.code(), Some(parent_code)));
        if !sub.message().contains("ErrCode:") {
            carried_by_parent += 1;
            assert!(msg.ends_with(&format!("; ErrMsg: {}", sub.message())), "{msg}");
        }
        rows += 1;
    }
    // 43 rows in four pages' 230099 tables, 6 of them giving only the text.
    assert!(rows >= 40 && carried_by_parent > 0, "{rows} rows, {carried_by_parent} short");
    // Not a sub-code row: its own message.
    let generic = &lark_errors::lookup(99991672)[0];
    assert_eq!(generic.render_sub_message(generic, &[]), generic.message());
}

// ---- Counts, recounted from the vendored pages by line matching ----

fn page_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md")
                && p.file_name().unwrap() != "README.md"
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGES_DIR).as_path(), &mut out);
    out.sort();
    out
}

/// The request's method and path shape (parameters erased), from the two request lines.
fn api_key(text: &str) -> Option<(String, String)> {
    let cell = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once('|'))
            .map(|(_, v)| v.trim().to_owned())
    };
    let url = cell("HTTP URL")?;
    let url = url.split(['?', '#']).next().unwrap();
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| &rest[rest.find('/').unwrap_or(rest.len())..]);
    let shape: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if s.starts_with(':') || s.starts_with('{') { ":" } else { s })
        .collect();
    Some((cell("HTTP Method")?.to_ascii_uppercase(), shape.join("/")))
}

/// The codes of the error rows: after a table header naming `错误码` (or `code`), every
/// line that starts a table row (not indented) with a code, or a status then a code.
fn error_codes(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut in_tables = false;
    for line in text.lines() {
        let cells: Vec<&str> = line.trim_start_matches('|').split('|').map(str::trim).collect();
        if cells.iter().any(|c| c.trim_matches('*') == "错误码" || *c == "code") {
            in_tables = true;
            continue;
        }
        if !in_tables || line.starts_with(char::is_whitespace) || cells.len() < 2 {
            continue;
        }
        let num = |c: &str| {
            let c = c.trim_matches('`');
            if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) {
                c.parse::<u32>().ok()
            } else {
                None
            }
        };
        match (num(cells[0]), num(cells[1])) {
            (Some(status), Some(code)) if cells[0].len() == 3 && status >= 100 => out.push(code),
            (Some(code), _) => out.push(code),
            _ => {}
        }
    }
    out
}

#[test]
fn readme_counts_agree_with_the_pages() {
    let files = page_files();
    let mut apis = BTreeSet::new();
    let mut rows = 0;
    let mut rows_without_api = 0;
    let mut codes = BTreeSet::new();
    let mut per_page: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let found = error_codes(&text);
        match api_key(&text) {
            Some(k) => {
                apis.insert(k);
            }
            None => rows_without_api += found.len(),
        }
        rows += found.len();
        per_page.insert(f.display().to_string(), found.len());
        codes.extend(found);
    }
    let generic: BTreeSet<u32> = lark_errors::entries().iter().map(|e| e.code()).collect();
    let not_generic = codes.iter().filter(|c| !generic.contains(c)).count();

    assert_eq!(files.len(), 1597, "pages");
    assert_eq!(lark_errors::apis().len(), apis.len(), "APIs (method + path)");
    assert_eq!(lark_errors::api_entries().len(), rows, "per-API entries");
    let catalog_codes: BTreeSet<u32> =
        lark_errors::api_entries().iter().map(|e| e.code()).collect();
    assert_eq!(catalog_codes, codes, "distinct codes");
    let without = lark_errors::api_entries().iter().filter(|e| e.api().is_none()).count();
    assert_eq!(without, rows_without_api, "entries of pages without an API");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    for (what, n) in [
        ("API pages", files.len()),
        ("APIs", apis.len()),
        ("per-API entries", rows),
        ("of them on pages without an API", rows_without_api),
        ("distinct codes on API pages", codes.len()),
        ("of them not on the generic page", not_generic),
    ] {
        let claim = format!("| {what} | {} |", thousands(n));
        assert!(readme.contains(&claim), "README should say `{claim}`");
    }
    // The introduction says the same, in words (its lines wrap).
    let intro = format!(
        "the {} error rows of {} API pages ({} APIs,",
        thousands(rows),
        thousands(files.len()),
        thousands(apis.len())
    );
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&intro), "README should say `{intro}`");
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

mod never_panics {
    use lark_errors::catalog::Method;
    use proptest::prelude::*;

    fn methods() -> impl Strategy<Value = Method> {
        prop_oneof![
            Just(Method::Get),
            Just(Method::Post),
            Just(Method::Put),
            Just(Method::Patch),
            Just(Method::Delete)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn routing_never_panics(method in methods(), url in "\\PC*") {
            let _ = lark_errors::route(method, &url);
            let _ = lark_errors::route_path(&url);
            let _ = lark_errors::route_candidates(&url);
        }

        #[test]
        fn routing_never_panics_on_path_like_input(
            method in methods(),
            segments in prop::collection::vec("(open-apis|im|v1|messages|:id|[a-z_0-9]{0,12}|/|%2F|\\?|#)", 0..40),
        ) {
            let url = format!("https://open.feishu.cn/{}", segments.join("/"));
            if let Some(api) = lark_errors::route(method, &url) {
                prop_assert_eq!(api.method(), method);
            }
        }

        #[test]
        fn resolution_never_panics(
            code in prop_oneof![any::<u32>(), Just(230099u32), Just(1470403), Just(99991663)],
            msg in "\\PC{0,200}",
            api in prop::option::of(0..lark_errors::apis().len()),
        ) {
            let api = api.map(|i| &lark_errors::apis()[i]);
            if let Some(r) = lark_errors::resolve_with(code, &msg, api) {
                prop_assert_eq!(r.entry.code(), code);
                if let Some(sub) = r.sub {
                    prop_assert_eq!(sub.parent_code(), Some(code));
                }
            }
            let _ = lark_errors::resolve_with(code, &format!("x ext=ErrCode: {msg}; ErrMsg"), api);
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn per_api_entries_and_apis_serialize_with_their_api_fields() {
    let api = lark_errors::route(Method::Post, "/open-apis/im/v1/messages").unwrap();
    let v = serde_json::to_value(api.lookup(11310)[0]).unwrap();
    assert_eq!(
        v["api"],
        serde_json::json!({"method": "POST", "path": "/open-apis/im/v1/messages"})
    );
    assert_eq!(v["parent_code"], 230099);
    assert_eq!(v["http_status"], serde_json::Value::Null);
    let generic = serde_json::to_value(&lark_errors::lookup(99991663)[0]).unwrap();
    assert!(generic.get("api").is_none() && generic.get("parent_code").is_none());
    let a = serde_json::to_value(api).unwrap();
    assert_eq!(
        a["rate_limit"],
        serde_json::json!({"per_second": 50, "per_minute": 1000, "per_hour": null, "per_day": null})
    );
    assert_eq!(
        a["scopes"][0],
        serde_json::json!({"id": "im:message", "name": "获取与发送单聊、群组消息"})
    );
    assert_eq!(a["app_types"], serde_json::json!(["custom", "store"]));
}
