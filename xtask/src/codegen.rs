//! `cargo xtask codegen`: the vendored pages plus `data/semantics.toml` become
//! `crates/lark-errors/src/catalog/table.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use lark_errors::semantics::{Action, Category, TokenKind};
use lark_errors_page::doc::{self, Document, Language, Row, message_key};
use serde::Deserialize;

pub mod apis;
pub mod text;

/// Where the generated table is written, relative to the workspace root.
pub const TABLE_PATH: &str = "crates/lark-errors/src/catalog/table.rs";
/// The vendored pages, relative to the workspace root.
pub const SOURCES_DIR: &str = "data/sources";
/// The semantics, relative to the workspace root.
pub const SEMANTICS_PATH: &str = "data/semantics.toml";

/// A page read from `data/sources/`.
pub struct Page {
    /// File name.
    pub file: String,
    /// The parsed page.
    pub doc: Document,
}

/// The semantics file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Semantics {
    /// Per-code decisions.
    #[serde(default, rename = "code")]
    pub codes: Vec<CodeDecision>,
    /// Rules, tried in order.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// A decision for one code (one entry of a duplicated code when `message` is given).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeDecision {
    /// The code.
    pub code: u32,
    /// For a duplicated code: the documented message of the entry this is about.
    pub message: Option<String>,
    /// The category word.
    pub category: String,
    /// The action word.
    pub action: String,
    /// The token kind word, where the entry concerns one token.
    pub token: Option<String>,
    /// The HTTP status the platform sends with this code, where known.
    pub http_status: Option<u16>,
    /// Why.
    pub reason: String,
}

/// A rule classifying every entry it matches.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A short name, unique in the file.
    pub name: String,
    /// Why entries matching it get this classification.
    pub reason: String,
    /// Any of these substrings in the message (ASCII case-insensitive).
    #[serde(default)]
    pub message: Vec<String>,
    /// Any of these substrings in the Chinese advice (ASCII case-insensitive).
    #[serde(default)]
    pub advice: Vec<String>,
    /// Any of these inclusive code ranges, written `"1500-1699"` or `"600"`.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The category word.
    pub category: String,
    /// The action word.
    pub action: String,
    /// The token kind word.
    pub token: Option<String>,
}

/// The classification of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Category.
    pub category: Category,
    /// Action.
    pub action: Action,
    /// Token kind.
    pub token: Option<TokenKind>,
    /// Known HTTP status.
    pub http_status: Option<u16>,
    /// Why: the reason of the `[[code]]` decision or rule that classified the entry.
    pub reason: String,
}

/// A failure of codegen, with enough context to fix it.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn err(msg: impl Into<String>) -> Error {
    Error(msg.into())
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_path_buf()
}

/// Reads and parses every error-code page in `data/sources/` (sorted by file name): the
/// `*.md` files whose name contains `error-code` (the other pages there, such as the
/// frequency-control page and the API pages' folder, are not catalog sources).
pub fn read_pages(root: &Path) -> Result<Vec<Page>, Error> {
    let dir = root.join(SOURCES_DIR);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| err(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains("error-code")))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = lark_errors_page::read_page(&path).map_err(|e| err(e.to_string()))?;
            let doc = Document::parse(&text)
                .map_err(|e| err(format!("{}:{}: {}", path.display(), e.line, e.kind)))?;
            let file =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Ok(Page { file, doc })
        })
        .collect()
}

/// The newest page in `language`, if any.
fn newest(pages: &[Page], language: Language) -> Option<&Page> {
    pages
        .iter()
        .filter(|p| p.doc.metadata.language == language)
        .max_by_key(|p| p.doc.metadata.updated)
}

/// Reads `data/semantics.toml`.
pub fn read_semantics(root: &Path) -> Result<Semantics, Error> {
    let path = root.join(SEMANTICS_PATH);
    let text = fs::read_to_string(&path).map_err(|e| err(format!("{}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| err(format!("{}: {e}", path.display())))
}

fn parse_range(text: &str) -> Option<(u32, u32)> {
    match text.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let n = text.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_ascii_lowercase().contains(&needle.to_ascii_lowercase())
}

impl Rule {
    fn matches(&self, row: &Row) -> Result<bool, Error> {
        let mut ok = true;
        if !self.message.is_empty() {
            ok &= self.message.iter().any(|w| contains_ci(&row.message, w));
        }
        if !self.advice.is_empty() {
            ok &= self.advice.iter().any(|w| contains_ci(&row.advice, w));
        }
        if !self.codes.is_empty() {
            let mut any = false;
            for r in &self.codes {
                let (lo, hi) = parse_range(r)
                    .ok_or_else(|| err(format!("rule `{}`: bad code range `{r}`", self.name)))?;
                any |= (lo..=hi).contains(&row.code);
            }
            ok &= any;
        }
        Ok(ok)
    }
}

fn words(
    category: &str,
    action: &str,
    token: Option<&str>,
    whose: &str,
) -> Result<(Category, Action, Option<TokenKind>), Error> {
    let category = category.parse::<Category>().map_err(|e| err(format!("{whose}: {e}")))?;
    let action = action.parse::<Action>().map_err(|e| err(format!("{whose}: {e}")))?;
    let token = token
        .map(|t| t.parse::<TokenKind>())
        .transpose()
        .map_err(|e| err(format!("{whose}: {e}")))?;
    Ok((category, action, token))
}

/// Classifies every row; fails listing every unclassified row, and on decisions that
/// name codes or messages that are not in the page.
pub fn classify(rows: &[Row], semantics: &Semantics, file: &str) -> Result<Vec<Decision>, Error> {
    let mut problems = Vec::new();
    for (i, rule) in semantics.rules.iter().enumerate() {
        if rule.message.is_empty() && rule.advice.is_empty() && rule.codes.is_empty() {
            problems.push(format!(
                "rule `{}` has no matcher (message, advice or codes): rules may not be catch-alls",
                rule.name
            ));
        }
        if semantics.rules[..i].iter().any(|r| r.name == rule.name) {
            problems.push(format!("rule name `{}` is used twice", rule.name));
        }
    }
    for (i, d) in semantics.codes.iter().enumerate() {
        let hits: Vec<&Row> = rows
            .iter()
            .filter(|r| r.code == d.code && d.message.as_deref().is_none_or(|m| m == r.message))
            .collect();
        if hits.is_empty() {
            problems.push(format!(
                "[[code]] {} {:?} matches no entry of {file}",
                d.code,
                d.message.as_deref().unwrap_or("")
            ));
        }
        if semantics.codes[..i].iter().any(|o| o.code == d.code && o.message == d.message) {
            problems.push(format!(
                "[[code]] {} {:?} is decided twice",
                d.code,
                d.message.as_deref().unwrap_or("")
            ));
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut unclassified = Vec::new();
    for row in rows {
        let per_code = semantics
            .codes
            .iter()
            .filter(|d| d.code == row.code)
            // A decision naming the message beats one for the whole code.
            .find(|d| d.message.as_deref() == Some(row.message.as_str()))
            .or_else(|| semantics.codes.iter().find(|d| d.code == row.code && d.message.is_none()));
        if let Some(d) = per_code {
            let (category, action, token) =
                words(&d.category, &d.action, d.token.as_deref(), &format!("[[code]] {}", d.code))?;
            out.push(Decision {
                category,
                action,
                token,
                http_status: d.http_status,
                reason: d.reason.trim().to_owned(),
            });
            continue;
        }
        let mut decided = None;
        for rule in &semantics.rules {
            if rule.matches(row)? {
                let (category, action, token) = words(
                    &rule.category,
                    &rule.action,
                    rule.token.as_deref(),
                    &format!("rule `{}`", rule.name),
                )?;
                decided = Some(Decision {
                    category,
                    action,
                    token,
                    http_status: None,
                    reason: rule.reason.trim().to_owned(),
                });
                break;
            }
        }
        match decided {
            Some(d) => out.push(d),
            None => {
                unclassified.push(format!("  {file}:{}: {} | {}", row.line, row.code, row.message))
            }
        }
    }
    if !unclassified.is_empty() {
        problems.push(format!(
            "{} entr{} no classification; add a [[code]] decision or a rule to {SEMANTICS_PATH}:\n{}",
            unclassified.len(),
            if unclassified.len() == 1 { "y has" } else { "ies have" },
            unclassified.join("\n")
        ));
    }
    if problems.is_empty() { Ok(out) } else { Err(err(problems.join("\n"))) }
}

/// Every generated file, `(path relative to the workspace root, contents)`: the generic
/// table, then the API table.
pub fn generate_files(root: &Path) -> Result<Vec<(&'static str, String)>, Error> {
    let generic = generate_generic(root)?;
    let pages = apis::read_pages(root)?;
    let semantics = apis::read_api_semantics(root)?;
    let pairs: Vec<(&Row, &Decision)> = generic.rows.iter().zip(&generic.decisions).collect();
    let decisions = apis::classify_api_rows(&pages, &semantics, &pairs)?;
    let mut codes: Vec<u32> = generic.rows.iter().map(|r| r.code).collect();
    codes.sort_unstable();
    let api = apis::render(&pages, &decisions, &codes, apis::API_PAGES_DIR)?;
    let corpus = text::render(&text::TextsIn {
        generic: generic.texts,
        api_entries: api.entry_texts,
        apis: api.api_texts,
    })?;
    Ok(vec![
        (TABLE_PATH, generic.text),
        (apis::API_TABLE_PATH, api.text),
        (text::TEXT_TABLE_PATH, corpus),
    ])
}

/// The generic table as generated, with the rows and decisions it was made from.
pub struct Generic {
    /// The contents of `table.rs`.
    pub text: String,
    /// The Chinese page's rows, in page order.
    pub rows: Vec<Row>,
    /// Their decisions.
    pub decisions: Vec<Decision>,
    /// The entries' searchable texts, in table order.
    pub texts: Vec<text::EntryTexts>,
}

/// Renders the generic table (`table.rs`) from the workspace at `root`.
pub fn generate(root: &Path) -> Result<String, Error> {
    Ok(generate_generic(root)?.text)
}

/// Renders the generic table and keeps what it was made from.
pub fn generate_generic(root: &Path) -> Result<Generic, Error> {
    let pages = read_pages(root)?;
    let semantics = read_semantics(root)?;
    let zh = newest(&pages, Language::Zh)
        .ok_or_else(|| err(format!("no Chinese page in {SOURCES_DIR}")))?;
    let en = newest(&pages, Language::En);
    let decisions = classify(&zh.doc.rows, &semantics, &zh.file)?;

    // English text attaches where the English page has the same code and message; each
    // English row is used at most once, in document order.
    let mut english_by_code: BTreeMap<u32, Vec<(&Row, bool)>> = BTreeMap::new();
    if let Some(en) = en {
        for row in &en.doc.rows {
            english_by_code.entry(row.code).or_default().push((row, false));
        }
    }
    let mut english: Vec<Option<&Row>> = Vec::with_capacity(zh.doc.rows.len());
    for row in &zh.doc.rows {
        let key = message_key(&row.message);
        let found = english_by_code.get_mut(&row.code).and_then(|cands| {
            cands.iter_mut().find(|(r, used)| !used && message_key(&r.message) == key).map(
                |(r, used)| {
                    *used = true;
                    *r
                },
            )
        });
        english.push(found);
    }

    let mut order: Vec<usize> = (0..zh.doc.rows.len()).collect();
    order.sort_by_key(|&i| (zh.doc.rows[i].code, zh.doc.rows[i].line));

    let mut out = String::new();
    let sources: Vec<&Page> = std::iter::once(zh).chain(en).collect();
    let _ = writeln!(
        out,
        "// @generated by `cargo xtask codegen` from {SOURCES_DIR}/ and {SEMANTICS_PATH}. Do not edit."
    );
    let _ = writeln!(
        out,
        "// Sources: {}.",
        sources.iter().map(|p| p.file.as_str()).collect::<Vec<_>>().join(", ")
    );
    let with_en = english.iter().filter(|e| e.is_some()).count();
    let _ = writeln!(
        out,
        "// {} entries, {} distinct codes, {} with English text.",
        zh.doc.rows.len(),
        distinct(&zh.doc.rows),
        with_en
    );
    out.push('\n');
    out.push_str("#![allow(unused_imports)] // which imports are used depends on the data\n\nuse super::{English, Entry, Link, Source};\nuse crate::catalog::Language;\nuse crate::semantics::{Action, Category, TokenKind};\n\n");
    let _ = writeln!(out, "pub(super) static SOURCES: [Source; {}] = [", sources.len());
    for page in &sources {
        let m = &page.doc.metadata;
        let _ = writeln!(out, "    Source {{");
        let _ = writeln!(out, "        file: {:?},", page.file);
        let _ = writeln!(out, "        title: {:?},", m.title.as_deref().unwrap_or(""));
        let _ = writeln!(out, "        url: {:?},", m.source_url.as_deref().unwrap_or(""));
        let _ = writeln!(
            out,
            "        updated: {:?},",
            m.updated.map(|d| d.to_string()).unwrap_or_default()
        );
        let _ = writeln!(out, "        language: Language::{:?},", m.language);
        let _ = writeln!(out, "    }},");
    }
    out.push_str("];\n\n");
    // The codes again, as a dense index: binary search touches 2 KiB instead of the
    // entries' 80 KiB, which keeps lookup within a few cache lines.
    let _ = writeln!(out, "pub(super) static CODES: [u32; {}] = [", order.len());
    for chunk in order.chunks(10) {
        let codes: Vec<String> = chunk.iter().map(|&i| zh.doc.rows[i].code.to_string()).collect();
        let _ = writeln!(out, "    {},", codes.join(", "));
    }
    out.push_str("];\n\n");
    let _ = writeln!(out, "pub(super) static ENTRIES: [Entry; {}] = [", order.len());
    let mut texts = Vec::with_capacity(order.len());
    for i in order {
        let row = &zh.doc.rows[i];
        let d = &decisions[i];
        texts.push(text::EntryTexts {
            message: row.message.clone(),
            reason: d.reason.clone(),
            advice_zh: row.advice.clone(),
            advice_en: english[i].map(|r| r.advice.clone()),
            api: None,
            meaning: (d.category, d.action, d.token),
        });
        let _ = writeln!(out, "    Entry {{");
        let _ = writeln!(out, "        code: {},", row.code);
        let _ = writeln!(out, "        message: {:?},", row.message);
        let _ = writeln!(out, "        advice_zh: {:?},", row.advice);
        let _ = writeln!(out, "        source: &SOURCES[0],");
        let _ = writeln!(out, "        line: {},", row.line);
        match english[i] {
            Some(en_row) => {
                let _ = writeln!(
                    out,
                    "        english: Some(&English {{ message: {:?}, advice: {:?}, source: &SOURCES[1], line: {} }}),",
                    en_row.message, en_row.advice, en_row.line
                );
            }
            None => out.push_str("        english: None,\n"),
        }
        let links = doc::links(&row.advice);
        if links.is_empty() {
            out.push_str("        links: &[],\n");
        } else {
            out.push_str("        links: &[\n");
            for l in links {
                let _ =
                    writeln!(out, "            Link {{ text: {:?}, url: {:?} }},", l.text, l.url);
            }
            out.push_str("        ],\n");
        }
        let _ = writeln!(out, "        category: Category::{:?},", d.category);
        let _ = writeln!(out, "        action: Action::{:?},", d.action);
        match d.token {
            Some(t) => {
                let _ = writeln!(out, "        token: Some(TokenKind::{t:?}),");
            }
            None => out.push_str("        token: None,\n"),
        }
        match d.http_status {
            Some(s) => {
                let _ = writeln!(out, "        http_status: Some({s}),");
            }
            None => out.push_str("        http_status: None,\n"),
        }
        let _ = writeln!(out, "        reason: {:?},", d.reason);
        out.push_str("        api: None,\n        parent: None,\n        meaning: 0,\n");
        out.push_str("    },\n");
    }
    out.push_str("];\n");
    let rows = zh.doc.rows.clone();
    Ok(Generic { text: out, rows, decisions, texts })
}

fn distinct(rows: &[Row]) -> usize {
    let mut codes: Vec<u32> = rows.iter().map(|r| r.code).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.len()
}
