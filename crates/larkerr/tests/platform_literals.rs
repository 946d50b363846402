//! One rule, one place: no crate but `lark-errors` spells a platform fact the library
//! names in `lark_errors::platform` (a header name, a token endpoint or JSON field, a
//! well-known code). The facts are read from `platform.rs` itself, so a constant added
//! there is checked without editing this test.
//!
//! Checked: the non-test source of every crate under `crates/` but `lark-errors`, and
//! `xtask/src`. Not checked: comments and doc comments, `#[cfg(test)]` modules (from
//! the attribute to the end of the file, where this workspace keeps them), `tests/`,
//! `examples/`, `benches/`.

use std::fs;
use std::path::{Path, PathBuf};

/// A fact from `platform.rs`: the module it is in and its value.
#[derive(Debug)]
struct Fact {
    module: String,
    name: String,
    value: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `pub const NAME: &str = "..."` / `: u32 = N` in the `header`, `token` and
/// `code` modules of the platform module.
fn facts() -> Vec<Fact> {
    let text = fs::read_to_string(root().join("crates/lark-errors/src/platform.rs")).unwrap();
    let mut module = String::new();
    let mut facts = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("pub mod ") {
            module = rest.trim_end_matches(" {").to_owned();
            continue;
        }
        if !["header", "token", "code"].contains(&module.as_str()) {
            continue;
        }
        let Some(rest) = t.strip_prefix("pub const ") else { continue };
        let Some((name, rest)) = rest.split_once(':') else { continue };
        let Some((_, value)) = rest.split_once('=') else { continue };
        let value = value.trim().trim_end_matches(';').trim();
        let value = value.trim_matches('"');
        // `OK` (0) and numeric settings such as REISSUE_BELOW_SECS are not codes a
        // caller could spell by mistake.
        if module == "code" && value == "0" || module == "token" && !t.contains("&str") {
            continue;
        }
        facts.push(Fact {
            module: module.clone(),
            name: name.trim().to_owned(),
            value: value.into(),
        });
    }
    assert!(facts.len() > 20, "platform.rs was not read as expected: {facts:?}");
    facts
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !["tests", "examples", "benches", "target", "fuzz"].contains(&name) {
                sources(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Whether `line` spells `fact`: a header name with a dash or a token path anywhere
/// (case-insensitive), a token field as a whole string literal, a code as a whole
/// number.
fn spells(line: &str, fact: &Fact) -> bool {
    match fact.module.as_str() {
        "header" if fact.value.contains('-') => {
            line.to_ascii_lowercase().contains(&fact.value.to_ascii_lowercase())
        }
        "token" if fact.value.contains('/') => line.contains(&fact.value),
        // `date` is a word before it is a header name: only the distinctive names
        // (all with a dash) are looked for.
        "header" => false,
        // Likewise `error` (every business error body has an `error` object) and
        // `scope` (a word of every permission message) before they are OAuth fields.
        "token" if matches!(fact.value.as_str(), "error" | "scope") => false,
        "token" => {
            line.to_ascii_lowercase().contains(&format!("\"{}\"", fact.value.to_ascii_lowercase()))
        }
        _ => line.split(|c: char| !c.is_ascii_digit()).any(|number| number == fact.value),
    }
}

#[test]
fn no_crate_but_the_library_spells_a_platform_fact() {
    let facts = facts();
    let mut files = Vec::new();
    for dir in fs::read_dir(root().join("crates")).unwrap().flatten() {
        if dir.file_name() != "lark-errors" {
            sources(&dir.path(), &mut files);
        }
    }
    sources(&root().join("xtask/src"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("larkerr/src/classify.rs")), "{files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break;
            }
            if code.starts_with("//") {
                continue;
            }
            for fact in facts.iter().filter(|f| spells(code, f)) {
                let rel = file.strip_prefix(root()).unwrap_or(file).display().to_string();
                let rel = rel.trim_start_matches("crates/larkerr/../../").to_owned();
                found.push(format!(
                    "{rel}:{}: spells platform::{}::{} ({:?})",
                    i + 1,
                    fact.module,
                    fact.name,
                    fact.value
                ));
            }
        }
    }
    assert!(found.is_empty(), "use lark_errors::platform instead:\n{}", found.join("\n"));
}

#[test]
fn the_check_finds_what_it_looks_for() {
    let facts = facts();
    let by = |name: &str| facts.iter().find(|f| f.name == name).unwrap();
    assert!(spells(r#"h.insert("X-Ogw-Ratelimit-Reset", v)"#, by("RATELIMIT_RESET")));
    assert!(spells(r#"("expire", json!(e))"#, by("EXPIRE")));
    assert!(!spells("let expire = 5;", by("EXPIRE")));
    assert!(spells("const LIMITED: u32 = 99991400;", by("FREQUENCY_LIMIT")));
    assert!(!spells("let n = 199991400;", by("FREQUENCY_LIMIT")));
    assert!(spells(
        r#"post("/open-apis/auth/v3/tenant_access_token/internal")"#,
        by("TENANT_ACCESS_TOKEN_PATH")
    ));
}
