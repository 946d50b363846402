//! The platform catalog: the vendored API pages plus `data/api-semantics/*.toml` become
//! `crates/lark-errors/src/catalog/api_table.rs` (APIs, per-API entries, routing trie).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::text::EntryTexts;
use super::{Decision, Error, err, words};
use lark_errors::semantics::{Action, Category, TokenKind};
use lark_errors_page::api::{ApiPage, RateLimitSpec, Scope as ApiScope, read_api_pages};
use lark_errors_page::doc::{self, Row, message_key};

/// Where the generated API table is written, relative to the workspace root.
pub const API_TABLE_PATH: &str = "crates/lark-errors/src/catalog/api_table.rs";
/// The vendored API pages, relative to `data/sources/`.
pub const API_PAGES_DIR: &str = "feishu-api-pages.zh.2026-01-09";
/// The semantics of per-API entries, relative to the workspace root.
pub const API_SEMANTICS_DIR: &str = "data/api-semantics";

/// One API page, as codegen needs it (filled from the page parser).
#[derive(Debug, Clone)]
pub struct PageIn {
    /// Path relative to the API pages folder, '/'-separated.
    pub path: String,
    /// The page's title.
    pub title: String,
    /// Where the page is published.
    pub source_url: String,
    /// The page's date, `YYYY-MM-DD`.
    pub updated: String,
    /// The request table, if the page documents a request.
    pub request: Option<RequestIn>,
    /// Every error row, sub-code rows included, in page order.
    pub rows: Vec<RowIn>,
}

/// A page's request table.
#[derive(Debug, Clone)]
pub struct RequestIn {
    /// The `HTTP URL` cell.
    pub url: String,
    /// The `HTTP Method` cell.
    pub method: String,
    /// Requests per second, minute, hour and day, or `None` for 特殊频控; outer `None`:
    /// no tier.
    pub rate_limit: Option<Option<[Option<u32>; 4]>>,
    /// 自建应用 / 商店应用.
    pub app_types: Vec<String>,
    /// (id, name).
    pub scopes: Vec<(String, String)>,
    /// (id, name).
    pub field_scopes: Vec<(String, String)>,
}

/// One error row.
#[derive(Debug, Clone)]
pub struct RowIn {
    /// 1-based line in the page file.
    pub line: u32,
    /// HTTP status, where the table has one.
    pub status: Option<u16>,
    /// The code.
    pub code: u32,
    /// The 描述 / 说明 cell (the English `msg` where the table has both).
    pub message: String,
    /// The Chinese description where the table has one besides the English `msg`.
    pub description: Option<String>,
    /// The 排查建议 cell with continuation lines.
    pub advice: String,
    /// For a sub-code row, the code it belongs to.
    pub parent: Option<u32>,
}

/// One file of `data/api-semantics/`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSemantics {
    /// Per-code decisions.
    #[serde(default, rename = "code")]
    pub codes: Vec<ApiCode>,
    /// Rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<ApiRule>,
}

/// A `[[code]]` decision.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiCode {
    /// The code.
    pub code: u32,
    /// The message, compared by message key.
    pub message: Option<String>,
    /// Page prefixes.
    pub pages: Option<Vec<String>>,
    /// Category word.
    pub category: String,
    /// Action word.
    pub action: String,
    /// Token word.
    pub token: Option<String>,
    /// Why.
    pub reason: String,
}

/// A `[[rule]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiRule {
    /// An optional name, for messages.
    pub name: Option<String>,
    /// Page prefixes.
    pub pages: Option<Vec<String>>,
    /// Inclusive code ranges.
    pub codes: Option<Vec<[u32; 2]>>,
    /// Substrings of the message.
    pub message: Option<Vec<String>>,
    /// Substrings of the advice.
    pub advice: Option<Vec<String>>,
    /// HTTP statuses.
    pub status: Option<Vec<u16>>,
    /// Category word.
    pub category: String,
    /// Action word.
    pub action: String,
    /// Token word.
    pub token: Option<String>,
    /// Why.
    pub reason: String,
}

/// Reads every API page under `data/sources/<API_PAGES_DIR>/` with the page parser,
/// sorted by path. A row the parser could not read fails codegen with its `page:line`.
pub fn read_pages(root: &Path) -> Result<Vec<PageIn>, Error> {
    let dir = root.join(super::SOURCES_DIR).join(API_PAGES_DIR);
    let parsed = read_api_pages(&dir).map_err(|e| err(format!("{}: {e}", dir.display())))?;
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(parsed.len());
    for page in parsed {
        if page.path == "README.md" {
            continue;
        }
        // A scope the page names without its id is a fact of the page (kept out of the
        // API's scopes, reported by the parser's note); anything else loses a row.
        for p in &page.problems {
            if !p.kind.is_note() {
                problems.push(p.display_at(&page.path).to_string());
            }
        }
        out.push(page_in(page));
    }
    if !problems.is_empty() {
        return Err(err(format!(
            "{} problem{} in the API pages:\n  {}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            problems.join("\n  ")
        )));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn page_in(page: ApiPage) -> PageIn {
    let scope = |s: &ApiScope| (s.id.clone(), s.name.clone());
    let request = page.request.as_ref().and_then(|r| {
        Some(RequestIn {
            url: r.url.clone()?,
            method: r.method.clone().unwrap_or_default(),
            rate_limit: r.rate_limit.as_ref().map(|rl| match *rl {
                RateLimitSpec::Windows { per_second, per_minute, per_hour, per_day, .. } => {
                    Some([per_second, per_minute, per_hour, per_day])
                }
                _ => None,
            }),
            app_types: r.app_types.clone(),
            scopes: r.scopes.iter().map(scope).collect(),
            field_scopes: r.field_scopes.iter().map(scope).collect(),
        })
    });
    PageIn {
        title: page.title.clone().unwrap_or_default(),
        source_url: page.source_url.clone().unwrap_or_default(),
        updated: page.updated.map(|d| d.to_string()).unwrap_or_default(),
        request,
        rows: page
            .errors
            .iter()
            .map(|r| RowIn {
                line: u32::try_from(r.line).unwrap_or(u32::MAX),
                status: r.http_status,
                code: r.code,
                message: r.message.clone(),
                // A table of `code | 中文说明 | English msg` has no advice column: its
                // Chinese description is what the page tells the reader, so it is the
                // entry's (Chinese) advice rather than lost.
                advice: match &r.description {
                    Some(d) if r.advice.trim().is_empty() => d.clone(),
                    _ => r.advice.clone(),
                },
                description: r.description.clone(),
                parent: r.parent,
            })
            .collect(),
        path: page.path,
    }
}

/// Reads every `data/api-semantics/*.toml`, in file-name order.
pub fn read_api_semantics(root: &Path) -> Result<Vec<(String, ApiSemantics)>, Error> {
    let dir = root.join(API_SEMANTICS_DIR);
    let Ok(read) = fs::read_dir(&dir) else { return Ok(Vec::new()) };
    let mut files: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text =
                fs::read_to_string(&path).map_err(|e| err(format!("{}: {e}", path.display())))?;
            let sem: ApiSemantics =
                toml::from_str(&text).map_err(|e| err(format!("{}: {e}", path.display())))?;
            let name =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Ok((name, sem))
        })
        .collect()
}

fn contains_ci(haystack: &str, needles: &[String]) -> bool {
    let h = haystack.to_ascii_lowercase();
    needles.iter().any(|n| h.contains(&n.to_ascii_lowercase()))
}

fn page_ok(pages: &Option<Vec<String>>, page: &str) -> bool {
    pages.as_ref().is_none_or(|ps| ps.iter().any(|p| page.starts_with(p.as_str())))
}

/// Classifies every row of every page, in page order then row order, per the agreed
/// format: `[[code]]` decisions, then generic reuse, then rules. Fails listing every
/// unclassified row as `page:line`, every unknown word, catch-all rule and stale `[[code]]`
/// decision.
pub fn classify_api_rows(
    pages: &[PageIn],
    semantics: &[(String, ApiSemantics)],
    generic: &[(&Row, &Decision)],
) -> Result<Vec<Vec<Decision>>, Error> {
    let mut problems = Vec::new();
    let mut classifier = Classifier::new(semantics, generic, &mut problems);
    let mut out = Vec::with_capacity(pages.len());
    let mut unclassified = Vec::new();
    for page in pages {
        let mut decisions = Vec::with_capacity(page.rows.len());
        for row in &page.rows {
            match classifier.decide(&page.path, row) {
                Some(d) => decisions.push(d),
                None => {
                    unclassified.push(format!(
                        "  {}:{}: {} | {}",
                        page.path,
                        row.line,
                        row.code,
                        row.message.chars().take(80).collect::<String>()
                    ));
                    decisions.push(Decision {
                        category: Category::Internal,
                        action: Action::ContactSupport,
                        token: None,
                        http_status: None,
                        reason: String::new(),
                    });
                }
            }
        }
        out.push(decisions);
    }
    problems.extend(classifier.stale_decisions());
    // A rule that wins no row (every row it matches was decided earlier) is not an
    // error: the agreed format makes only `[[code]]` decisions stale.
    if !unclassified.is_empty() {
        problems.push(format!(
            "{} per-API entr{} no classification; add a [[code]] decision or a rule to {API_SEMANTICS_DIR}/:\n{}",
            unclassified.len(),
            if unclassified.len() == 1 { "y has" } else { "ies have" },
            unclassified.join("\n")
        ));
    }
    if problems.is_empty() { Ok(out) } else { Err(err(problems.join("\n"))) }
}

/// Category, action and token, as the semantics files' words resolve to.
type Words = (Category, Action, Option<TokenKind>);

/// The semantics files made ready for deciding rows: decisions by code, the generic
/// page's decisions by code, the rules in file order, and each word already checked.
struct Classifier<'a> {
    codes: Vec<(&'a String, &'a ApiCode)>,
    code_words: Vec<Option<Words>>,
    code_keys: Vec<Option<String>>,
    code_hits: Vec<usize>,
    by_code: HashMap<u32, Vec<usize>>,
    generic_by_code: HashMap<u32, Vec<(String, &'a Decision)>>,
    rules: Vec<(&'a ApiRule, Option<Words>)>,
}

impl<'a> Classifier<'a> {
    /// Checks every word up front, so a bad word is reported even if unused, and every
    /// rule for a matcher (rules may not be catch-alls).
    fn new(
        semantics: &'a [(String, ApiSemantics)],
        generic: &[(&'a Row, &'a Decision)],
        problems: &mut Vec<String>,
    ) -> Classifier<'a> {
        fn checked(
            problems: &mut Vec<String>,
            (category, action, token): (&str, &str, Option<&str>),
            whose: &str,
        ) -> Option<Words> {
            words(category, action, token, whose).map_err(|e| problems.push(e.0)).ok()
        }
        let mut codes = Vec::new();
        let mut code_words = Vec::new();
        let mut rules = Vec::new();
        for (file, sem) in semantics {
            for c in &sem.codes {
                let whose = format!("{file}: [[code]] {}", c.code);
                codes.push((file, c));
                let said = (c.category.as_str(), c.action.as_str(), c.token.as_deref());
                code_words.push(checked(problems, said, &whose));
            }
            for (i, r) in sem.rules.iter().enumerate() {
                let name = r.name.clone().unwrap_or_else(|| format!("#{}", i + 1));
                let whose = format!("{file}: rule {name}");
                if r.codes.is_none() && r.message.is_none() && r.advice.is_none() {
                    problems.push(format!(
                        "{whose} has no codes, message or advice matcher: rules may not be catch-alls"
                    ));
                }
                let said = (r.category.as_str(), r.action.as_str(), r.token.as_deref());
                rules.push((r, checked(problems, said, &whose)));
            }
        }
        let code_keys = codes.iter().map(|(_, c)| c.message.as_deref().map(message_key)).collect();
        let mut by_code: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, (_, c)) in codes.iter().enumerate() {
            by_code.entry(c.code).or_default().push(i);
        }
        let mut generic_by_code: HashMap<u32, Vec<(String, &Decision)>> = HashMap::new();
        for (row, d) in generic {
            generic_by_code.entry(row.code).or_default().push((message_key(&row.message), d));
        }
        Classifier {
            code_hits: vec![0; codes.len()],
            codes,
            code_words,
            code_keys,
            by_code,
            generic_by_code,
            rules,
        }
    }

    /// The row's decision: a `[[code]]` decision, else the generic page's decision for
    /// the same code and message, else the first rule that matches.
    fn decide(&mut self, page: &str, row: &RowIn) -> Option<Decision> {
        let key = message_key(&row.message);
        let ((category, action, token), reason) = match self.by_decision(page, row, &key) {
            Some(found) => found?,
            None => match self.by_generic(row, &key) {
                Some(found) => found,
                None => self.by_rule(page, row)??,
            },
        };
        Some(Decision { category, action, token, http_status: row.status, reason })
    }

    /// The first `[[code]]` decision for the row's code whose message (if it names one)
    /// and pages match. `Some(None)` when it matches but its words were bad.
    fn by_decision(
        &mut self,
        page: &str,
        row: &RowIn,
        key: &str,
    ) -> Option<Option<(Words, String)>> {
        // Where a table has both an English `msg` and a Chinese description, a decision
        // may name either.
        let desc_key = row.description.as_deref().map(message_key);
        let key_ok = |k: &String| k == key || desc_key.as_ref() == Some(k);
        let i = *self.by_code.get(&row.code)?.iter().find(|&&i| {
            self.code_keys[i].as_ref().is_none_or(key_ok) && page_ok(&self.codes[i].1.pages, page)
        })?;
        self.code_hits[i] += 1;
        Some(self.code_words[i].map(|w| (w, self.codes[i].1.reason.trim().to_owned())))
    }

    /// The generic page's decision where it documents the same code with the same message.
    fn by_generic(&self, row: &RowIn, key: &str) -> Option<(Words, String)> {
        let (_, d) = self.generic_by_code.get(&row.code)?.iter().find(|(k, _)| k == key)?;
        Some(((d.category, d.action, d.token), format!("as on the generic page: {}", d.reason)))
    }

    /// The first rule that matches the row. `Some(None)` when it matches but its words
    /// were bad.
    fn by_rule(&self, page: &str, row: &RowIn) -> Option<Option<(Words, String)>> {
        let text_ok = |m: &[String]| {
            contains_ci(&row.message, m)
                || row.description.as_deref().is_some_and(|d| contains_ci(d, m))
        };
        let (rule, words) = self.rules.iter().find(|(r, _)| {
            page_ok(&r.pages, page)
                && r.codes
                    .as_ref()
                    .is_none_or(|cs| cs.iter().any(|[lo, hi]| (*lo..=*hi).contains(&row.code)))
                && r.message.as_ref().is_none_or(|m| text_ok(m))
                && r.advice.as_ref().is_none_or(|a| contains_ci(&row.advice, a))
                && r.status.as_ref().is_none_or(|s| row.status.is_some_and(|st| s.contains(&st)))
        })?;
        Some(words.map(|w| (w, rule.reason.trim().to_owned())))
    }

    /// Every `[[code]]` decision that matched no row.
    fn stale_decisions(&self) -> Vec<String> {
        self.codes
            .iter()
            .zip(&self.code_hits)
            .filter(|(_, hits)| **hits == 0)
            .map(|((file, c), _)| {
                format!(
                    "{file}: stale [[code]] {} {:?} matches no row",
                    c.code,
                    c.message.as_deref().unwrap_or("")
                )
            })
            .collect()
    }
}

/// `:name` or `{name}`: a path parameter.
fn is_param(segment: &str) -> bool {
    segment.starts_with(':') || (segment.starts_with('{') && segment.ends_with('}'))
}

/// The path template of an `HTTP URL` cell: host and query removed, `{x}` written `:x`.
pub fn template_path(url: &str) -> String {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or("");
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                format!(":{}", &s[1..s.len() - 1])
            } else {
                s.to_owned()
            }
        })
        .collect();
    format!("/{}", segments.join("/"))
}

/// The routing shape: parameters' names erased.
fn shape(path: &str) -> Vec<Option<&str>> {
    path.split('/').filter(|s| !s.is_empty()).map(|s| (!is_param(s)).then_some(s)).collect()
}

fn method_word(m: &str) -> Result<&'static str, Error> {
    match m.trim().to_ascii_uppercase().as_str() {
        "GET" => Ok("Get"),
        "POST" => Ok("Post"),
        "PUT" => Ok("Put"),
        "PATCH" => Ok("Patch"),
        "DELETE" => Ok("Delete"),
        other => Err(err(format!("unknown HTTP method `{other}`"))),
    }
}

fn app_type_word(t: &str) -> Result<&'static str, Error> {
    match t.trim() {
        "自建应用" => Ok("Custom"),
        "商店应用" => Ok("Store"),
        other => Err(err(format!("unknown app type `{other}`"))),
    }
}

/// FNV-1a over a segment's bytes: the runtime's `segment_hash`.
fn fnv1a(s: &str) -> u64 {
    s.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Interned string constants, so repeated advice and reasons are written once.
#[derive(Default)]
struct Strings {
    index: HashMap<String, usize>,
    list: Vec<String>,
}

impl Strings {
    fn get(&mut self, s: &str) -> String {
        if s.is_empty() {
            return "\"\"".to_owned();
        }
        let n = self.list.len();
        let i = *self.index.entry(s.to_owned()).or_insert(n);
        if i == n {
            self.list.push(s.to_owned());
        }
        format!("S{i}")
    }
}

struct ApiOut {
    method: &'static str,
    path: String,
    url: String,
    page: usize,
    rate_limit: String,
    app_types: Vec<&'static str>,
    scopes: Vec<(String, String)>,
    field_scopes: Vec<(String, String)>,
}

/// What the generated table holds, for the header and the README's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Pages read.
    pub pages: usize,
    /// Pages with an error row or an API.
    pub pages_used: usize,
    /// Distinct APIs (method + path).
    pub apis: usize,
    /// Per-API entries.
    pub entries: usize,
    /// Entries on pages without an API.
    pub entries_without_api: usize,
    /// Distinct codes of per-API entries.
    pub codes: usize,
    /// Of those, not on the generic page.
    pub codes_not_generic: usize,
}

/// An entry on its way to the table: its row, its decision, its page and API.
struct EntryOut<'a> {
    page: usize,
    row: &'a RowIn,
    d: &'a Decision,
    api: Option<usize>,
    meaning: u16,
}

/// A node of the routing trie: literal children, the parameter child, the APIs ending here.
#[derive(Default)]
struct Node {
    literals: BTreeMap<String, usize>,
    param: Option<usize>,
    apis: Vec<usize>,
}

/// What [`render`] makes: the table, its counts, and the searchable texts of its
/// entries and APIs in table order (for the search corpus).
pub struct Rendered {
    /// The contents of `api_table.rs`.
    pub text: String,
    /// What it holds.
    pub counts: Counts,
    /// Each entry's texts, in table order.
    pub entry_texts: Vec<EntryTexts>,
    /// Each API's title and path, in table order.
    pub api_texts: Vec<[String; 2]>,
}

/// Renders `api_table.rs` from the pages, their decisions and the generic page's codes.
pub fn render(
    pages: &[PageIn],
    decisions: &[Vec<Decision>],
    generic_codes: &[u32],
    sources_dir: &str,
) -> Result<Rendered, Error> {
    // Pages used: those with an API or rows, in path order (callers sort pages).
    let used: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].request.is_some() || !pages[i].rows.is_empty())
        .collect();
    let page_slot: HashMap<usize, usize> = used.iter().enumerate().map(|(s, &i)| (i, s)).collect();

    let mut problems = Vec::new();
    let (apis, api_of_page) = group_apis(pages, &used, &page_slot, &mut problems)?;
    if !problems.is_empty() {
        return Err(err(problems.join("\n")));
    }
    let entries = order_entries(pages, decisions, &used, &api_of_page);
    let counts = count(pages.len(), used.len(), &apis, &entries, generic_codes);
    let per_api = entries_per_api(pages, &entries, apis.len());

    // The emitters intern strings in this order (pages, APIs, entries): keep it, so the
    // constants keep their numbers.
    let mut s = Strings::default();
    let mut body = String::new();
    emit_pages(&mut body, &mut s, pages, &used, sources_dir);
    emit_apis(&mut body, &mut s, &apis, &per_api);
    emit_entries(&mut body, &mut s, &entries, &page_slot);
    emit_api_entries(&mut body, &per_api);
    emit_routes(&mut body, &apis);

    let mut out = header(&counts, sources_dir);
    for (i, text) in s.list.iter().enumerate() {
        let _ = writeln!(out, "const S{i}: &str = {text:?};");
    }
    out.push('\n');
    out.push_str(&body);
    let entry_texts = entries
        .iter()
        .map(|e| EntryTexts {
            message: e.row.message.clone(),
            reason: e.d.reason.clone(),
            advice_zh: e.row.advice.clone(),
            advice_en: None,
            api: e.api,
            meaning: (e.d.category, e.d.action, e.d.token),
        })
        .collect();
    let api_texts =
        apis.iter().map(|a| [pages[used[a.page]].title.clone(), a.path.clone()]).collect();
    Ok(Rendered { text: out, counts, entry_texts, api_texts })
}

/// One API per (method, path shape); the newest page (then the first path) is its primary
/// page. Returns the APIs sorted by path then method, and each used page's API.
fn group_apis(
    pages: &[PageIn],
    used: &[usize],
    page_slot: &HashMap<usize, usize>,
    problems: &mut Vec<String>,
) -> Result<(Vec<ApiOut>, HashMap<usize, usize>), Error> {
    let mut by_key: BTreeMap<(String, Vec<Option<String>>), Vec<usize>> = BTreeMap::new();
    for &i in used {
        let Some(req) = &pages[i].request else { continue };
        let method = match method_word(&req.method) {
            Ok(m) => m,
            Err(e) => {
                problems.push(format!("{}: {e}", pages[i].path));
                continue;
            }
        };
        let path = template_path(&req.url);
        let key = shape(&path).into_iter().map(|s| s.map(str::to_owned)).collect();
        by_key.entry((method.to_owned(), key)).or_default().push(i);
    }
    let mut apis: Vec<ApiOut> = Vec::new();
    let mut api_of_page: HashMap<usize, usize> = HashMap::new();
    for ((method, _), mut members) in by_key {
        members.sort_by(|&a, &b| {
            pages[b].updated.cmp(&pages[a].updated).then(pages[a].path.cmp(&pages[b].path))
        });
        let primary = members[0];
        let page = &pages[primary];
        let req = page.request.as_ref().expect("APIs come from request tables");
        let mut app_types = Vec::new();
        for t in &req.app_types {
            match app_type_word(t) {
                Ok(w) => app_types.push(w),
                Err(e) => problems.push(format!("{}: {e}", page.path)),
            }
        }
        apis.push(ApiOut {
            method: method_word(&method)?,
            path: template_path(&req.url),
            url: req.url.split(['?', '#']).next().unwrap_or("").trim().to_owned(),
            page: page_slot[&primary],
            rate_limit: rate_limit_expr(req.rate_limit),
            app_types,
            scopes: req.scopes.clone(),
            field_scopes: req.field_scopes.clone(),
        });
        for m in members {
            api_of_page.insert(m, apis.len() - 1);
        }
    }
    // Sorted by path then method; remap the pages' APIs to their new places.
    let mut order: Vec<usize> = (0..apis.len()).collect();
    order.sort_by(|&a, &b| {
        (apis[a].path.as_str(), apis[a].method).cmp(&(apis[b].path.as_str(), apis[b].method))
    });
    let mut rank = vec![0; apis.len()];
    for (r, &a) in order.iter().enumerate() {
        rank[a] = r;
    }
    let mut slots: Vec<Option<ApiOut>> = apis.into_iter().map(Some).collect();
    let apis = order.iter().map(|&a| slots[a].take().expect("each API once")).collect();
    for v in api_of_page.values_mut() {
        *v = rank[*v];
    }
    Ok((apis, api_of_page))
}

/// Every row of the used pages with its decision and API, numbered by meaning (per code
/// and sub-code flag, groups of message key and semantics by first appearance in page
/// order) and sorted so a code's entries are contiguous, grouped by meaning.
fn order_entries<'a>(
    pages: &'a [PageIn],
    decisions: &'a [Vec<Decision>],
    used: &[usize],
    api_of_page: &HashMap<usize, usize>,
) -> Vec<EntryOut<'a>> {
    let mut entries: Vec<EntryOut> = Vec::new();
    for &i in used {
        for (row, d) in pages[i].rows.iter().zip(&decisions[i]) {
            entries.push(EntryOut {
                page: i,
                row,
                d,
                api: api_of_page.get(&i).copied(),
                meaning: 0,
            });
        }
    }
    let mut meaning_ids: HashMap<(u32, bool, String, String, String, String), u16> = HashMap::new();
    let mut next: HashMap<(u32, bool), u16> = HashMap::new();
    for e in &mut entries {
        let k = (
            e.row.code,
            e.row.parent.is_some(),
            message_key(&e.row.message),
            e.d.category.as_str().to_owned(),
            e.d.action.as_str().to_owned(),
            e.d.token.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        );
        let n = next.entry((k.0, k.1)).or_insert(0);
        let id = *meaning_ids.entry(k).or_insert_with(|| {
            *n += 1;
            *n - 1
        });
        e.meaning = id;
    }
    entries.sort_by(|a, b| {
        (a.row.code, a.row.parent.is_some(), a.meaning, &pages[a.page].path, a.row.line).cmp(&(
            b.row.code,
            b.row.parent.is_some(),
            b.meaning,
            &pages[b.page].path,
            b.row.line,
        ))
    });
    entries
}

fn count(
    pages: usize,
    pages_used: usize,
    apis: &[ApiOut],
    entries: &[EntryOut],
    generic_codes: &[u32],
) -> Counts {
    let mut codes: Vec<u32> = entries.iter().map(|e| e.row.code).collect();
    codes.dedup();
    Counts {
        pages,
        pages_used,
        apis: apis.len(),
        entries: entries.len(),
        entries_without_api: entries.iter().filter(|e| e.api.is_none()).count(),
        codes: codes.len(),
        codes_not_generic: codes.iter().filter(|c| generic_codes.binary_search(c).is_err()).count(),
    }
}

/// Each API's entries (indices into `entries`), by code then page and line.
fn entries_per_api(pages: &[PageIn], entries: &[EntryOut], n_apis: usize) -> Vec<Vec<usize>> {
    let mut per_api: Vec<Vec<usize>> = vec![Vec::new(); n_apis];
    for (k, e) in entries.iter().enumerate() {
        if let Some(a) = e.api {
            per_api[a].push(k);
        }
    }
    for list in &mut per_api {
        list.sort_by(|&x, &y| {
            let (a, b) = (&entries[x], &entries[y]);
            (a.row.code, &pages[a.page].path, a.row.line).cmp(&(
                b.row.code,
                &pages[b.page].path,
                b.row.line,
            ))
        });
    }
    per_api
}

fn emit_pages(body: &mut String, s: &mut Strings, pages: &[PageIn], used: &[usize], dir: &str) {
    let _ = writeln!(body, "pub(super) static PAGES: [Source; {}] = [", used.len());
    for &i in used {
        let p = &pages[i];
        let _ = writeln!(
            body,
            "    Source {{ file: {}, title: {}, url: {}, updated: {:?}, language: Language::Zh }},",
            s.get(&format!("{dir}/{}", p.path)),
            s.get(&p.title),
            s.get(&p.source_url),
            p.updated
        );
    }
    body.push_str("];\n\n");
}

fn scopes_expr(list: &[(String, String)], s: &mut Strings) -> String {
    if list.is_empty() {
        return "&[]".to_owned();
    }
    let items: Vec<String> = list
        .iter()
        .map(|(id, name)| format!("Scope {{ id: {}, name: {} }}", s.get(id), s.get(name)))
        .collect();
    format!("&[{}]", items.join(", "))
}

fn links_expr(advice: &str, s: &mut Strings) -> String {
    let links = doc::links(advice);
    if links.is_empty() {
        return "&[]".to_owned();
    }
    let items: Vec<String> = links
        .iter()
        .map(|l| format!("Link {{ text: {}, url: {} }}", s.get(l.text), s.get(l.url)))
        .collect();
    format!("&[{}]", items.join(", "))
}

fn emit_api_entries(body: &mut String, per_api: &[Vec<usize>]) {
    let n_refs: usize = per_api.iter().map(Vec::len).sum();
    let _ = writeln!(body, "pub(super) static API_ENTRIES: [&Entry; {n_refs}] = [");
    for list in per_api {
        let refs: Vec<String> = list.iter().map(|k| format!("&ENTRIES[{k}]")).collect();
        for chunk in refs.chunks(8) {
            let _ = writeln!(body, "    {},", chunk.join(", "));
        }
    }
    body.push_str("];\n\n");
}

/// The routing trie over path shapes: literal segments by FNV-1a hash (the order the
/// runtime's search uses), one parameter child, the APIs ending at a node by method.
fn emit_routes(body: &mut String, apis: &[ApiOut]) {
    let mut nodes: Vec<Node> = vec![Node::default()];
    for (a, api) in apis.iter().enumerate() {
        let mut at = 0;
        for seg in shape(&api.path) {
            let child = match seg {
                Some(lit) => nodes[at].literals.get(lit).copied(),
                None => nodes[at].param,
            };
            at = match child {
                Some(c) => c,
                None => {
                    nodes.push(Node::default());
                    let c = nodes.len() - 1;
                    match seg {
                        Some(lit) => {
                            nodes[at].literals.insert(lit.to_owned(), c);
                        }
                        None => nodes[at].param = Some(c),
                    }
                    c
                }
            };
        }
        nodes[at].apis.push(a);
    }
    let _ = writeln!(body, "pub(super) static ROUTES: [RouteNode; {}] = [", nodes.len());
    for n in &nodes {
        let mut sorted: Vec<(u64, &String, &usize)> =
            n.literals.iter().map(|(k, v)| (fnv1a(k), k, v)).collect();
        sorted.sort();
        let lits: Vec<String> =
            sorted.iter().map(|(h, k, v)| format!("({h:#x}, {k:?}, {v})")).collect();
        let mut node_apis = n.apis.clone();
        node_apis.sort_by_key(|&a| apis[a].method);
        let refs: Vec<String> = node_apis.iter().map(|a| format!("&APIS[{a}]")).collect();
        let _ = writeln!(
            body,
            "    RouteNode {{ literals: &[{}], param: {:?}, apis: &[{}] }},",
            lits.join(", "),
            n.param,
            refs.join(", ")
        );
    }
    body.push_str("];\n");
}

/// The Rust expression of a parsed rate limit: `None`, special, or its windows.
fn rate_limit_expr(rate_limit: Option<Option<[Option<u32>; 4]>>) -> String {
    match rate_limit {
        None => "None".to_owned(),
        Some(None) => "Some(RateLimit::Special)".to_owned(),
        Some(Some([s, m, h, d])) => format!(
            "Some(RateLimit::Windows {{ per_second: {s:?}, per_minute: {m:?}, per_hour: {h:?}, per_day: {d:?} }})"
        ),
    }
}

fn emit_apis(body: &mut String, s: &mut Strings, apis: &[ApiOut], per_api: &[Vec<usize>]) {
    let _ = writeln!(body, "pub(super) static APIS: [Api; {}] = [", apis.len());
    let mut start = 0;
    for (api, own) in apis.iter().zip(per_api) {
        let app_types: Vec<String> =
            api.app_types.iter().map(|t| format!("AppType::{t}")).collect();
        let _ = writeln!(
            body,
            "    Api {{ method: Method::{}, path: {:?}, url: {}, source: &PAGES[{}], rate_limit: {}, app_types: &[{}], scopes: {}, field_scopes: {}, entries: ({start}, {}) }},",
            api.method,
            api.path,
            s.get(&api.url),
            api.page,
            api.rate_limit,
            app_types.join(", "),
            scopes_expr(&api.scopes, s),
            scopes_expr(&api.field_scopes, s),
            own.len()
        );
        start += own.len();
    }
    body.push_str("];\n\n");
}

fn emit_entries(
    body: &mut String,
    s: &mut Strings,
    entries: &[EntryOut],
    page_slot: &HashMap<usize, usize>,
) {
    let _ = writeln!(body, "pub(super) static CODES: [u32; {}] = [", entries.len());
    for chunk in entries.chunks(12) {
        let cs: Vec<String> = chunk.iter().map(|e| e.row.code.to_string()).collect();
        let _ = writeln!(body, "    {},", cs.join(", "));
    }
    body.push_str("];\n\n");
    let _ = writeln!(
        body,
        "// e(code, message, advice, page, line, links, category, action, token, http_status, reason, api, parent, meaning)"
    );
    let _ = writeln!(body, "pub(super) static ENTRIES: [Entry; {}] = [", entries.len());
    for e in entries {
        let links = links_expr(&e.row.advice, s);
        let token = match e.d.token {
            Some(t) => format!("Some(TokenKind::{t:?})"),
            None => "None".to_owned(),
        };
        let api = match e.api {
            Some(a) => format!("Some(&APIS[{a}])"),
            None => "None".to_owned(),
        };
        let _ = writeln!(
            body,
            "    e({}, {}, {}, &PAGES[{}], {}, {}, Category::{:?}, Action::{:?}, {}, {:?}, {}, {}, {:?}, {}),",
            e.row.code,
            s.get(&e.row.message),
            s.get(&e.row.advice),
            page_slot[&e.page],
            e.row.line,
            links,
            e.d.category,
            e.d.action,
            token,
            e.row.status,
            s.get(&e.d.reason),
            api,
            e.row.parent,
            e.meaning
        );
    }
    body.push_str("];\n\n");
}

/// The file's header: where it comes from, its counts, its imports and the entry
/// constructor.
fn header(counts: &Counts, sources_dir: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by `cargo xtask codegen` from {}/{sources_dir}/ and {API_SEMANTICS_DIR}/. Do not edit.",
        super::SOURCES_DIR
    );
    let _ = writeln!(
        out,
        "// {} pages, {} with an API or error rows; {} APIs; {} per-API entries ({} on pages without an API); {} distinct codes, {} not on the generic page.",
        counts.pages,
        counts.pages_used,
        counts.apis,
        counts.entries,
        counts.entries_without_api,
        counts.codes,
        counts.codes_not_generic
    );
    out.push_str(
        "\n#![allow(unused_imports, clippy::all)] // which imports are used depends on the data\n\n\
         use super::{Api, AppType, Method, RateLimit, RouteNode, Scope};\n\
         use crate::catalog::{Entry, Language, Link, Source};\n\
         use crate::semantics::{Action, Category, TokenKind};\n\n\
         #[allow(clippy::too_many_arguments)]\n\
         const fn e(\n    code: u32,\n    message: &'static str,\n    advice_zh: &'static str,\n    source: &'static Source,\n    line: u32,\n    links: &'static [Link],\n    category: Category,\n    action: Action,\n    token: Option<TokenKind>,\n    http_status: Option<u16>,\n    reason: &'static str,\n    api: Option<&'static Api>,\n    parent: Option<u32>,\n    meaning: u16,\n) -> Entry {\n    \
         Entry { code, message, advice_zh, source, line, english: None, links, category, action, token, http_status, reason, api, parent, meaning }\n}\n\n",
    );
    out
}
