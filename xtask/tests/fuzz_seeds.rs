//! The fuzz seeds cover every fuzz target, and only those, from the repository's data.

use std::collections::BTreeSet;

use xtask::{codegen, fuzz_seeds};

/// The `[[bin]]` names of `fuzz/Cargo.toml`: the fuzz targets.
fn fuzz_targets() -> BTreeSet<String> {
    let root = codegen::workspace_root();
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("fuzz/Cargo.toml")).unwrap()).unwrap();
    manifest["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_target_has_seeds_and_every_seed_a_target() {
    let corpora = fuzz_seeds::corpora(&codegen::workspace_root()).unwrap();
    let seeded: BTreeSet<String> = corpora.iter().map(|(t, _)| (*t).to_owned()).collect();
    assert_eq!(seeded, fuzz_targets(), "fuzz/Cargo.toml and the seed corpora name other targets");
    for (target, seeds) in &corpora {
        assert!(seeds.len() >= 3, "{target} has {} seeds", seeds.len());
        let names: BTreeSet<&String> = seeds.iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), seeds.len(), "{target}: two seeds share a name");
        assert!(seeds.iter().any(|(_, b)| b.len() > 16), "{target}: only tiny seeds");
    }
}

#[test]
fn seeds_are_made_from_the_data() {
    let corpora = fuzz_seeds::corpora(&codegen::workspace_root()).unwrap();
    let seeds = |target: &str| &corpora.iter().find(|(t, _)| *t == target).unwrap().1;
    let has = |target: &str, text: &str| {
        seeds(target).iter().any(|(_, b)| String::from_utf8_lossy(b).contains(text))
    };
    // A vendored page, a fixture's body, a rendered entry, the mock's documented rule.
    assert!(has("page_doc", "最后更新于 2025-08-20"));
    assert!(has("diagnose_body", "ip 8.217.51.178 is denied by app setting"));
    assert!(has("http_raw", "HTTP/1.1 429 Status\r\n"));
    assert!(has("template", "ip %s is denied by app setting\0ip value0 is denied by app setting"));
    assert!(has("mock_config", "path = \"/open-apis/im/v1/*\""));
    assert!(has("mock_config", "\"path\": \"/open-apis/im/v1/*\""));
    assert!(has("page_api", "HTTP Method"));
    assert!(has("page_diff", "\0"));
    assert!(has("page_api_diff", "HTTP Method"));
    assert!(has("page_api_diff", "\x1e"));
    // Requests to the catalog's APIs, with the fixtures' responses.
    assert!(has("request_curl", "> Host: open.feishu.cn\r\n"));
    assert!(has("request_curl", "ip 8.217.51.178 is denied by app setting"));
    assert!(has("request_log", "\"path\":\"/open-apis/"));
    assert!(has("request_log", "status_code=400 resp={"));
    assert!(has("request_api", "https://open.feishu.cn/open-apis/"));
    assert!(has("input_text", "\u{feff}{"));
    assert!(seeds("input_text").iter().any(|(_, b)| b.starts_with(&[0xFF, 0xFE])));
}
