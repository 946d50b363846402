//! What a folder of API pages contains, and what changed between two folders.
//!
//! The API reference is vendored as a folder of pages (one per API, parsed by
//! [`crate::api`]). Folding in a new snapshot asks the same two questions as for the
//! generic page ([`crate::diff`]):
//!
//! - [`check_api_pages`]: how many pages, request tables, APIs, error rows and codes,
//!   and every problem with its page and line ([`ApiProblem::note`] tells the problems
//!   that lose nothing apart);
//! - [`compare_api_pages`]: APIs added and removed, and per API: codes added and
//!   removed, messages, descriptions and advice changed (cosmetic changes apart, with
//!   the generic diff's [`classify_text`] and [`word_diff`]), HTTP statuses changed,
//!   the rate-limit tier changed, scopes and field scopes added and removed.
//!
//! An API is its method and path template ([`ApiId`]). Pages are paired by API (the
//! same page path first when several pages document one API), then the pages left
//! over by page path; a page paired by path whose API changed reports both APIs
//! ([`ApiChange::api_changed`]), and a page paired by API at another path is reported
//! as moved ([`ApiChange::moved`]: semantics are scoped by page path). Within a pair,
//! rows are keyed by code and, for sub-codes, their parent code; a key's rows are
//! paired by message, then in order, as on the generic page.
//!
//! Pure (no I/O), never panics, and linear in the number of pages and rows (apart
//! from the word diff, which is bounded).
//!
//! ```
//! use lark_errors_page::api::parse_api_page;
//! use lark_errors_page::diff::compare_api_pages;
//!
//! let head = "名称 | 值\n---|---\nHTTP URL | https://open.feishu.cn/open-apis/im/v1/messages\nHTTP Method | POST\n\n\
//!             ### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n";
//! let old = parse_api_page("im/create.md", &format!("{head}400 | 230001 | bad param | 参数错误\n"));
//! let new = parse_api_page("im/create.md", &format!("{head}500 | 230001 | bad param | 参数错误\n400 | 230002 | no bot | 机器人不在群里\n"));
//! let d = compare_api_pages(&[old], &[new]);
//! assert!(d.added.is_empty() && d.removed.is_empty());
//! let c = &d.changed[0];
//! assert_eq!(c.api.as_ref().unwrap().to_string(), "POST /open-apis/im/v1/messages");
//! assert_eq!(c.codes_added[0].code, 230002);
//! assert_eq!((c.status_changed[0].old, c.status_changed[0].new), (Some(400), Some(500)));
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::api::{ApiId, ApiPage, ErrorRow, RateLimitSpec, RequestTable, Scope};
use crate::diff::{Cosmetic, Field, TextChange, WordChange, classify_text, pair_by, word_diff};
use crate::doc::message_key;

/// What a folder of API pages contains: the numbers `larkerr doc check DIR` reports.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[non_exhaustive]
pub struct ApisSummary {
    /// How many pages.
    pub pages: usize,
    /// How many pages have a request table (`名称 | 值`).
    pub request_tables: usize,
    /// How many different APIs (method and path template) the request tables name.
    pub apis: usize,
    /// APIs documented by more than one page.
    pub apis_on_several_pages: usize,
    /// How many pages have at least one error row.
    pub pages_with_rows: usize,
    /// How many error rows, duplicates and sub-code rows included.
    pub rows: usize,
    /// How many of them are sub-code rows ([`ErrorRow::parent`]).
    pub sub_code_rows: usize,
    /// How many different codes the rows document.
    pub distinct_codes: usize,
}

/// A problem of one page of a folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ApiProblem {
    /// The page's path in the folder.
    pub page: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
    /// Only a note: nothing the page documents is lost
    /// ([`crate::api::PageProblemKind::is_note`]).
    pub note: bool,
}

/// The result of [`check_api_pages`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ApisCheckReport {
    /// What the folder contains.
    pub summary: ApisSummary,
    /// Every problem, by page then line.
    pub problems: Vec<ApiProblem>,
}

impl ApisCheckReport {
    /// Whether every problem is only a note.
    pub fn is_clean(&self) -> bool {
        self.problems.iter().all(|p| p.note)
    }

    /// How many problems are only notes.
    pub fn notes(&self) -> usize {
        self.problems.iter().filter(|p| p.note).count()
    }
}

/// Counts what a folder of pages contains.
pub fn summarize_api_pages(pages: &[ApiPage]) -> ApisSummary {
    let mut apis: HashMap<ApiId, usize> = HashMap::new();
    let mut codes = BTreeSet::new();
    let mut s = ApisSummary { pages: pages.len(), ..ApisSummary::default() };
    for page in pages {
        s.request_tables += usize::from(page.request.is_some());
        if let Some(api) = page.api() {
            *apis.entry(api).or_default() += 1;
        }
        s.pages_with_rows += usize::from(!page.errors.is_empty());
        s.rows += page.errors.len();
        s.sub_code_rows += page.errors.iter().filter(|r| r.parent.is_some()).count();
        codes.extend(page.errors.iter().map(|r| r.code));
    }
    s.apis = apis.len();
    s.apis_on_several_pages = apis.values().filter(|&&n| n > 1).count();
    s.distinct_codes = codes.len();
    s
}

/// What a folder of parsed pages contains and every problem in it.
///
/// ```
/// use lark_errors_page::api::parse_api_page;
/// let pages = [
///     parse_api_page("a.md", "错误码 | 描述 | 排查建议\n--- | --- | ---\n1001 | m | a\nx1 | m | a\n"),
///     parse_api_page("b.md", "名称 | 值\n---|---\nHTTP URL | /open-apis/b\nHTTP Method | GET\n"),
/// ];
/// let r = lark_errors_page::diff::check_api_pages(&pages);
/// assert_eq!((r.summary.pages, r.summary.apis, r.summary.rows), (2, 1, 1));
/// assert_eq!((r.problems[0].page.as_str(), r.problems[0].line), ("a.md", 4));
/// assert!(!r.is_clean());
/// ```
pub fn check_api_pages(pages: &[ApiPage]) -> ApisCheckReport {
    let mut problems: Vec<ApiProblem> = pages
        .iter()
        .flat_map(|page| {
            page.problems.iter().map(|p| ApiProblem {
                page: page.path.clone(),
                line: p.line,
                message: p.kind.to_string(),
                note: p.kind.is_note(),
            })
        })
        .collect();
    problems.sort_by(|a, b| (&a.page, a.line).cmp(&(&b.page, b.line)));
    ApisCheckReport { summary: summarize_api_pages(pages), problems }
}

/// Everything that changed from one folder of API pages to another.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ApiDiff {
    /// What the old folder contains.
    pub old: ApisSummary,
    /// What the new folder contains.
    pub new: ApisSummary,
    /// Pages of the new folder paired with none of the old one: APIs added (and pages
    /// without a request table added), by API then path.
    pub added: Vec<PageRef>,
    /// Pages of the old folder paired with none of the new one, by API then path.
    pub removed: Vec<PageRef>,
    /// Paired pages that differ (cosmetic changes and moves included), by API then
    /// path.
    pub changed: Vec<ApiChange>,
}

impl ApiDiff {
    /// Whether anything other than cosmetic changes was found.
    pub fn has_changes(&self) -> bool {
        !self.added.is_empty()
            || !self.removed.is_empty()
            || self.changed.iter().any(ApiChange::has_changes)
    }

    /// How many cosmetic changes, over every API.
    pub fn cosmetic_count(&self) -> usize {
        self.changed.iter().map(|c| c.cosmetic.len()).sum()
    }
}

/// A page added or removed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PageRef {
    /// The API it documents, if it has a request table.
    pub api: Option<ApiId>,
    /// The page's path in its folder.
    pub page: String,
    /// The page's title.
    pub title: Option<String>,
    /// The distinct codes of its error rows, ascending.
    pub codes: Vec<u32>,
}

impl PageRef {
    fn of(page: &ApiPage) -> PageRef {
        let codes: BTreeSet<u32> = page.errors.iter().map(|r| r.code).collect();
        PageRef {
            api: page.api(),
            page: page.path.clone(),
            title: page.title.clone(),
            codes: codes.into_iter().collect(),
        }
    }
}

/// What changed on one API (a pair of pages).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ApiChange {
    /// The API as the new page documents it (`None`: no request table).
    pub api: Option<ApiId>,
    /// When the two pages document different APIs (they were paired by path): the
    /// old and the new one, either `None` when that page has no request table.
    pub api_changed: Option<ApiIdChange>,
    /// The new page's title.
    pub title: Option<String>,
    /// The old page's path.
    pub old_page: String,
    /// The new page's path.
    pub new_page: String,
    /// The rate-limit tier, when it changed.
    pub rate_limit: Option<RateLimitChange>,
    /// Scopes (`权限要求`) the new page lists and the old one does not, by id.
    pub scopes_added: Vec<Scope>,
    /// Scopes the old page lists and the new one does not, by id.
    pub scopes_removed: Vec<Scope>,
    /// Field scopes (`字段权限要求`) added, by id.
    pub field_scopes_added: Vec<Scope>,
    /// Field scopes removed, by id.
    pub field_scopes_removed: Vec<Scope>,
    /// Codes the new page documents and the old one does not.
    pub codes_added: Vec<EntryRows>,
    /// Codes the old page documents and the new one does not.
    pub codes_removed: Vec<EntryRows>,
    /// Paired rows whose message or description changed in more than formatting.
    pub message_changed: Vec<EntryTextChange>,
    /// Paired rows whose advice changed in more than formatting, with a word diff.
    pub advice_changed: Vec<EntryTextChange>,
    /// Paired rows whose HTTP status changed.
    pub status_changed: Vec<StatusChange>,
    /// Codes on both pages that the new page documents with more rows.
    pub duplicates_gained: Vec<EntryRows>,
    /// Codes on both pages that the new page documents with fewer rows.
    pub duplicates_lost: Vec<EntryRows>,
    /// Paired rows whose texts changed only in formatting.
    pub cosmetic: Vec<EntryCosmetic>,
}

impl ApiChange {
    /// Whether the page moved: the same API documented at another path. A move is a
    /// change: semantics under `data/api-semantics/` are scoped by page path.
    pub fn moved(&self) -> bool {
        self.old_page != self.new_page
    }

    /// Whether anything other than cosmetic changes was found (a move included).
    pub fn has_changes(&self) -> bool {
        self.moved()
            || self.api_changed.is_some()
            || self.rate_limit.is_some()
            || !self.scopes_added.is_empty()
            || !self.scopes_removed.is_empty()
            || !self.field_scopes_added.is_empty()
            || !self.field_scopes_removed.is_empty()
            || !self.codes_added.is_empty()
            || !self.codes_removed.is_empty()
            || !self.message_changed.is_empty()
            || !self.advice_changed.is_empty()
            || !self.status_changed.is_empty()
            || !self.duplicates_gained.is_empty()
            || !self.duplicates_lost.is_empty()
    }

    fn is_empty(&self) -> bool {
        !self.has_changes() && self.cosmetic.is_empty()
    }
}

/// The API of a page that changed (`None`: the page has no request table).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ApiIdChange {
    /// The old page's API.
    pub old: Option<ApiId>,
    /// The new page's API.
    pub new: Option<ApiId>,
}

/// A rate-limit tier that changed (`None`: the page gives no tier).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RateLimitChange {
    /// The old tier.
    pub old: Option<RateLimitSpec>,
    /// The new tier.
    pub new: Option<RateLimitSpec>,
}

/// A code (with its parent, for a sub-code) and rows of it on one page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct EntryRows {
    /// The code.
    pub code: u32,
    /// For a sub-code, the code it is carried in.
    pub parent: Option<u32>,
    /// The rows, in page order.
    pub rows: Vec<ApiRowText>,
}

/// One error row's text and where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ApiRowText {
    /// 1-based line in its page.
    pub line: usize,
    /// The HTTP status, where the table has one.
    pub http_status: Option<u16>,
    /// The message.
    pub message: String,
    /// The advice.
    pub advice: String,
}

impl ApiRowText {
    fn of(r: &ErrorRow) -> ApiRowText {
        ApiRowText {
            line: r.line,
            http_status: r.http_status,
            message: r.message.clone(),
            advice: r.advice.clone(),
        }
    }
}

/// A message, description or advice that changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct EntryTextChange {
    /// The code.
    pub code: u32,
    /// For a sub-code, the code it is carried in.
    pub parent: Option<u32>,
    /// Which text.
    pub field: Field,
    /// Line in the old page.
    pub old_line: usize,
    /// Line in the new page.
    pub new_line: usize,
    /// The old text.
    pub old: String,
    /// The new text.
    pub new: String,
    /// The word diff (advice only; empty for messages).
    pub words: Vec<WordChange>,
}

/// An HTTP status that changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct StatusChange {
    /// The code.
    pub code: u32,
    /// For a sub-code, the code it is carried in.
    pub parent: Option<u32>,
    /// Line in the old page.
    pub old_line: usize,
    /// Line in the new page.
    pub new_line: usize,
    /// The old status (`None`: the table had no status column).
    pub old: Option<u16>,
    /// The new status.
    pub new: Option<u16>,
}

/// A text that changed only in formatting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct EntryCosmetic {
    /// The code.
    pub code: u32,
    /// For a sub-code, the code it is carried in.
    pub parent: Option<u32>,
    /// Which text.
    pub field: Field,
    /// The fewest kinds of formatting that explain the difference.
    pub kinds: Vec<Cosmetic>,
    /// Line in the old page.
    pub old_line: usize,
    /// Line in the new page.
    pub new_line: usize,
}

/// A page's index in its folder and its path.
type Indexed<'a> = (usize, &'a str);
/// What rows are keyed by: code and parent code.
type RowKey = (u32, Option<u32>);

/// Compares two folders of parsed pages; see the [module documentation](self).
pub fn compare_api_pages(old: &[ApiPage], new: &[ApiPage]) -> ApiDiff {
    let old_ids: Vec<Option<ApiId>> = old.iter().map(ApiPage::api).collect();
    let new_ids: Vec<Option<ApiId>> = new.iter().map(ApiPage::api).collect();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();

    // 1. By API: the pages of one API pair by path first, then in order.
    let mut by_api: BTreeMap<&ApiId, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, id) in old_ids.iter().enumerate() {
        if let Some(id) = id {
            by_api.entry(id).or_default().0.push(i);
        }
    }
    for (j, id) in new_ids.iter().enumerate() {
        if let Some(id) = id {
            by_api.entry(id).or_default().1.push(j);
        }
    }
    for (olds, news) in by_api.values() {
        if olds.is_empty() || news.is_empty() {
            continue;
        }
        let o: Vec<(usize, &str)> = olds.iter().map(|&i| (i, old[i].path.as_str())).collect();
        let n: Vec<(usize, &str)> = news.iter().map(|&j| (j, new[j].path.as_str())).collect();
        let (o, n): (Vec<&Indexed>, Vec<&Indexed>) = (o.iter().collect(), n.iter().collect());
        let (paired, _, _) = pair_by(&o, &n, |&(_, path)| path);
        for (&(i, _), &(j, _)) in paired {
            old_used[i] = true;
            new_used[j] = true;
            pairs.push((i, j));
        }
    }
    // 2. The pages left over, by path.
    let mut old_by_path: HashMap<&str, std::collections::VecDeque<usize>> = HashMap::new();
    for (i, page) in old.iter().enumerate() {
        if !old_used[i] {
            old_by_path.entry(page.path.as_str()).or_default().push_back(i);
        }
    }
    for (j, page) in new.iter().enumerate() {
        if new_used[j] {
            continue;
        }
        if let Some(i) = old_by_path.get_mut(page.path.as_str()).and_then(|q| q.pop_front()) {
            old_used[i] = true;
            new_used[j] = true;
            pairs.push((i, j));
        }
    }

    let order = |id: &Option<ApiId>, path: &str| (id.clone(), path.to_owned());
    let mut added: Vec<PageRef> =
        (0..new.len()).filter(|&j| !new_used[j]).map(|j| PageRef::of(&new[j])).collect();
    added.sort_by_cached_key(|p| order(&p.api, &p.page));
    let mut removed: Vec<PageRef> =
        (0..old.len()).filter(|&i| !old_used[i]).map(|i| PageRef::of(&old[i])).collect();
    removed.sort_by_cached_key(|p| order(&p.api, &p.page));
    let mut changed: Vec<ApiChange> = pairs
        .into_iter()
        .map(|(i, j)| compare_pair(&old[i], old_ids[i].as_ref(), &new[j], new_ids[j].as_ref()))
        .filter(|c| !c.is_empty())
        .collect();
    changed.sort_by_cached_key(|c| order(&c.api, &c.new_page));
    ApiDiff {
        old: summarize_api_pages(old),
        new: summarize_api_pages(new),
        added,
        removed,
        changed,
    }
}

/// Scopes of `a` whose id `b` lacks, in `a`'s order (each id once).
fn scopes_missing(a: &[Scope], b: &[Scope]) -> Vec<Scope> {
    let ids: BTreeSet<&str> = b.iter().map(|s| s.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    a.iter()
        .filter(|s| !ids.contains(s.id.as_str()) && seen.insert(s.id.as_str()))
        .cloned()
        .collect()
}

fn compare_pair(o: &ApiPage, o_id: Option<&ApiId>, n: &ApiPage, n_id: Option<&ApiId>) -> ApiChange {
    let (o_req, n_req) = (o.request.as_ref(), n.request.as_ref());
    fn scopes(r: Option<&RequestTable>) -> &[Scope] {
        r.map_or(&[][..], |r| &r.scopes[..])
    }
    fn field_scopes(r: Option<&RequestTable>) -> &[Scope] {
        r.map_or(&[][..], |r| &r.field_scopes[..])
    }
    let (o_rate, n_rate) = (o_req.and_then(|r| r.rate_limit), n_req.and_then(|r| r.rate_limit));
    let mut c = ApiChange {
        api: n_id.cloned(),
        api_changed: (o_id != n_id).then(|| ApiIdChange { old: o_id.cloned(), new: n_id.cloned() }),
        title: n.title.clone(),
        old_page: o.path.clone(),
        new_page: n.path.clone(),
        rate_limit: (o_rate != n_rate).then_some(RateLimitChange { old: o_rate, new: n_rate }),
        scopes_added: scopes_missing(scopes(n_req), scopes(o_req)),
        scopes_removed: scopes_missing(scopes(o_req), scopes(n_req)),
        field_scopes_added: scopes_missing(field_scopes(n_req), field_scopes(o_req)),
        field_scopes_removed: scopes_missing(field_scopes(o_req), field_scopes(n_req)),
        codes_added: Vec::new(),
        codes_removed: Vec::new(),
        message_changed: Vec::new(),
        advice_changed: Vec::new(),
        status_changed: Vec::new(),
        duplicates_gained: Vec::new(),
        duplicates_lost: Vec::new(),
        cosmetic: Vec::new(),
    };

    let mut by_key: BTreeMap<RowKey, (Vec<&ErrorRow>, Vec<&ErrorRow>)> = BTreeMap::new();
    for r in &o.errors {
        by_key.entry((r.code, r.parent)).or_default().0.push(r);
    }
    for r in &n.errors {
        by_key.entry((r.code, r.parent)).or_default().1.push(r);
    }
    let rows = |code, parent, list: &[&ErrorRow]| EntryRows {
        code,
        parent,
        rows: list.iter().map(|r| ApiRowText::of(r)).collect(),
    };
    for ((code, parent), (olds, news)) in by_key {
        if news.is_empty() {
            c.codes_removed.push(rows(code, parent, &olds));
            continue;
        }
        if olds.is_empty() {
            c.codes_added.push(rows(code, parent, &news));
            continue;
        }
        let (paired, old_left, new_left) = pair_by(&olds, &news, |r| message_key(&r.message));
        for (a, b) in paired {
            compare_rows(&mut c, code, parent, a, b);
        }
        if !new_left.is_empty() {
            c.duplicates_gained.push(rows(code, parent, &new_left));
        }
        if !old_left.is_empty() {
            c.duplicates_lost.push(rows(code, parent, &old_left));
        }
    }
    c
}

fn compare_rows(c: &mut ApiChange, code: u32, parent: Option<u32>, a: &ErrorRow, b: &ErrorRow) {
    let (old_line, new_line) = (a.line, b.line);
    if a.http_status != b.http_status {
        c.status_changed.push(StatusChange {
            code,
            parent,
            old_line,
            new_line,
            old: a.http_status,
            new: b.http_status,
        });
    }
    let empty = String::new();
    let texts = [
        (Field::Message, &a.message, &b.message),
        (
            Field::Description,
            a.description.as_ref().unwrap_or(&empty),
            b.description.as_ref().unwrap_or(&empty),
        ),
        (Field::Advice, &a.advice, &b.advice),
    ];
    for (field, old, new) in texts {
        match classify_text(field, old, new) {
            TextChange::Same => {}
            TextChange::Cosmetic(kinds) => {
                c.cosmetic.push(EntryCosmetic { code, parent, field, kinds, old_line, new_line })
            }
            TextChange::Changed => {
                let change = EntryTextChange {
                    code,
                    parent,
                    field,
                    old_line,
                    new_line,
                    old: old.clone(),
                    new: new.clone(),
                    words: if field == Field::Advice { word_diff(old, new) } else { Vec::new() },
                };
                if field == Field::Advice {
                    c.advice_changed.push(change);
                } else {
                    c.message_changed.push(change);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::parse_api_page;

    /// A page for `METHOD PATH` with a rate limit, scopes and error rows
    /// (`status | code | message | advice` lines).
    fn page(
        path: &str,
        api: Option<(&str, &str)>,
        rate: &str,
        scopes: &[&str],
        rows: &str,
    ) -> ApiPage {
        let mut text = format!("---\ntitle: \"{path}\"\n---\n");
        if let Some((method, url)) = api {
            text.push_str(&format!(
                "名称 | 值\n---|---\nHTTP URL | https://open.feishu.cn{url}\nHTTP Method | {method}\n"
            ));
            if !rate.is_empty() {
                text.push_str(&format!("接口频率限制 | [{rate}](https://x)\n"));
            }
            if !scopes.is_empty() {
                text.push_str("权限要求  \n            开启任一权限即可 | ");
                text.push_str(&scopes.join("  \n            "));
                text.push('\n');
            }
        }
        text.push_str(
            "\n### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n",
        );
        text.push_str(rows);
        let p = parse_api_page(path, &text);
        assert!(p.problems.is_empty(), "{:?}", p.problem_lines());
        p
    }

    const SEND: Option<(&str, &str)> = Some(("POST", "/open-apis/im/v1/messages"));

    #[test]
    fn identical_folders_have_no_differences() {
        let pages = [
            page(
                "a.md",
                SEND,
                "50 次/秒",
                &["发消息(im:message)"],
                "400 | 1001 | a | b\n400 | 1001 | c | d\n",
            ),
            page("b.md", None, "", &[], "500 | 2 | x | y\n"),
        ];
        let d = compare_api_pages(&pages, &pages);
        assert!(!d.has_changes());
        assert!(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty());
        assert_eq!((d.old.pages, d.old.apis, d.old.rows, d.old.distinct_codes), (2, 1, 3, 2));
    }

    #[test]
    fn apis_added_and_removed() {
        let old = [page("a.md", SEND, "", &[], "400 | 1001 | a | b\n")];
        let new = [page(
            "pin.md",
            Some(("POST", "/open-apis/im/v1/pins")),
            "",
            &[],
            "400 | 1002 | x | y\n400 | 1003 | x | y\n",
        )];
        let d = compare_api_pages(&old, &new);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].api.as_ref().unwrap().to_string(), "POST /open-apis/im/v1/pins");
        assert_eq!(d.added[0].codes, [1002, 1003]);
        assert_eq!(d.removed[0].page, "a.md");
        assert!(d.changed.is_empty() && d.has_changes());
    }

    #[test]
    fn pages_pair_by_api_across_a_move_and_by_path_across_an_api_change() {
        // Same API, page moved: paired by API, nothing changed but the path.
        let old = [page("old/a.md", SEND, "", &[], "400 | 1001 | a | b\n")];
        let new = [page("new/a.md", SEND, "", &[], "400 | 1001 | a | b\n")];
        let d = compare_api_pages(&old, &new);
        assert!(d.added.is_empty() && d.removed.is_empty());
        let c = &d.changed[0];
        assert!(c.moved() && c.has_changes() && c.api_changed.is_none());
        assert_eq!((c.old_page.as_str(), c.new_page.as_str()), ("old/a.md", "new/a.md"));
        assert!(c.codes_added.is_empty() && c.message_changed.is_empty() && c.cosmetic.is_empty());
        // Same path, the path template changed: paired by path, the old API reported.
        let new = [page(
            "old/a.md",
            Some(("POST", "/open-apis/im/v2/messages")),
            "",
            &[],
            "400 | 1001 | a | b\n",
        )];
        let d = compare_api_pages(&old, &new);
        assert_eq!(d.changed.len(), 1);
        let api = d.changed[0].api_changed.as_ref().unwrap();
        assert_eq!(api.old.as_ref().unwrap().path, "/open-apis/im/v1/messages");
        assert_eq!(api.new.as_ref().unwrap().path, "/open-apis/im/v2/messages");
        assert!(d.has_changes());
        // Same path, the request table gained or lost: a change both ways round.
        let bare = [page("old/a.md", None, "", &[], "400 | 1001 | a | b\n")];
        for (o, n) in [(&old, &bare), (&bare, &old)] {
            let d = compare_api_pages(o, n);
            assert_eq!(d.changed.len(), 1, "{d:?}");
            let api = d.changed[0].api_changed.as_ref().unwrap();
            assert_eq!((api.old.is_some(), api.new.is_some()), (o == &old, n == &old));
            assert!(d.has_changes());
        }
        // Two pages of one API: the one with the same path pairs with it.
        let old = [
            page("x.md", SEND, "", &[], "400 | 1 | a | b\n"),
            page("y.md", SEND, "", &[], "400 | 2 | a | b\n"),
        ];
        let new = [
            page("y.md", SEND, "", &[], "400 | 2 | a | b\n"),
            page("x.md", SEND, "", &[], "400 | 1 | a | b\n"),
        ];
        assert!(compare_api_pages(&old, &new).changed.is_empty());
    }

    #[test]
    fn each_kind_of_change_on_one_api() {
        let old = [page(
            "a.md",
            SEND,
            "1000 次/分钟、50 次/秒",
            &["发消息(im:message)", "以应用身份发消息(im:message:send_as_bot)"],
            "400 | 1001 | gone | 删\n400 | 1002 | old msg | 同\n400 | 1003 | m | 请稍后重试\n\
             400 | 1004 | status | 同\n400 | 1005 | Fail. | 同\n400 | 1006 | dup | 一\n",
        )];
        let new = [page(
            "a.md",
            SEND,
            "100 次/分钟",
            &["发消息(im:message)", "读消息(im:message:readonly)"],
            "400 | 1002 | new msg | 同\n400 | 1003 | m | 请立即重试\n500 | 1004 | status | 同\n\
             400 | 1005 | fail | 同\n400 | 1006 | dup | 一\n400 | 1006 | dup two | 二\n400 | 1007 | added | 加\n",
        )];
        let d = compare_api_pages(&old, &new);
        assert!(d.added.is_empty() && d.removed.is_empty());
        let c = &d.changed[0];
        assert_eq!(
            c.rate_limit,
            Some(RateLimitChange {
                old: Some(RateLimitSpec::windows(Some(50), Some(1000))),
                new: Some(RateLimitSpec::windows(None, Some(100)))
            })
        );
        let ids = |s: &[Scope]| s.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&c.scopes_added), ["im:message:readonly"]);
        assert_eq!(ids(&c.scopes_removed), ["im:message:send_as_bot"]);
        assert!(c.field_scopes_added.is_empty() && c.field_scopes_removed.is_empty());
        assert_eq!(c.codes_added.iter().map(|e| e.code).collect::<Vec<_>>(), [1007]);
        assert_eq!(c.codes_removed.iter().map(|e| e.code).collect::<Vec<_>>(), [1001]);
        assert_eq!(c.message_changed.len(), 1);
        assert_eq!(
            (c.message_changed[0].old.as_str(), c.message_changed[0].new.as_str()),
            ("old msg", "new msg")
        );
        assert_eq!(c.advice_changed.len(), 1);
        assert_eq!(c.advice_changed[0].code, 1003);
        assert!(!c.advice_changed[0].words.is_empty());
        assert_eq!(c.status_changed.len(), 1);
        assert_eq!(
            (c.status_changed[0].code, c.status_changed[0].old, c.status_changed[0].new),
            (1004, Some(400), Some(500))
        );
        assert_eq!(c.duplicates_gained.len(), 1);
        assert_eq!(c.duplicates_gained[0].rows[0].message, "dup two");
        assert_eq!(c.cosmetic.len(), 1);
        assert_eq!((c.cosmetic[0].code, c.cosmetic[0].field), (1005, Field::Message));
        assert_eq!(c.cosmetic[0].kinds, [Cosmetic::Case, Cosmetic::TrailingPunctuation]);
        // And backwards, the mirror image.
        let back = compare_api_pages(&new, &old);
        let b = &back.changed[0];
        assert_eq!(b.codes_added[0].code, 1001);
        assert_eq!(b.duplicates_lost[0].rows[0].message, "dup two");
        assert_eq!(ids(&b.scopes_added), ["im:message:send_as_bot"]);
    }

    #[test]
    fn sub_codes_are_keyed_by_their_parent() {
        let sub = |msg: &str| {
            format!(
                "---\ntitle: t\n---\n### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n\
                 400 | 230099 | card | 见子错误码\n\n### 230099 子错误码\n\n错误码 | 描述 | 排查建议\n--- | --- | ---\n\
                 100290 | {msg} | 人员\n"
            )
        };
        let old = [parse_api_page("c.md", &sub("bad user"))];
        let new = [parse_api_page("c.md", &sub("bad user id"))];
        let d = compare_api_pages(&old, &new);
        let m = &d.changed[0].message_changed[0];
        assert_eq!((m.code, m.parent), (100290, Some(230099)));
    }

    #[test]
    fn check_counts_and_notes() {
        let pages = [
            page("a.md", SEND, "", &[], "400 | 1 | a | b\n400 | 1 | c | d\n"),
            page("b.md", SEND, "", &[], ""),
            parse_api_page(
                "c.md",
                "名称 | 值\n---|---\n权限要求  \n            **调用该 API 所需的权限** | 获取角色   \n          读取通讯录(contact:contact:readonly)\n",
            ),
        ];
        let r = check_api_pages(&pages);
        let s = &r.summary;
        assert_eq!(
            (
                s.pages,
                s.request_tables,
                s.apis,
                s.apis_on_several_pages,
                s.pages_with_rows,
                s.rows,
                s.distinct_codes
            ),
            (3, 3, 1, 1, 1, 2, 1)
        );
        assert_eq!(r.problems.len(), 1);
        assert!(r.problems[0].note && r.is_clean());
        assert_eq!(r.notes(), 1);
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;
        use crate::api::parse_api_page;

        fn page_text() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop_oneof![
                    Just("名称 | 值\n---|---\n".to_owned()),
                    Just("HTTP URL | https://open.feishu.cn/open-apis/a/{id}\n".to_owned()),
                    Just("HTTP URL | /open-apis/b\n".to_owned()),
                    Just("HTTP Method | POST\n".to_owned()),
                    Just("HTTP Method | GET\n".to_owned()),
                    Just("接口频率限制 | [5 次/秒](https://x)\n".to_owned()),
                    Just("权限要求  \n开启任一权限即可 | 发消息(im:message)\n".to_owned()),
                    Just("### 错误码\n\nHTTP状态码 | 错误码 | 描述 | 排查建议\n--- | --- | --- | ---\n".to_owned()),
                    Just("### 230099 子错误码\n\n错误码 | 描述 | 排查建议\n--- | --- | ---\n".to_owned()),
                    "[1-5]00 \\| [0-9]{3,6} \\| [a-c ]{0,6} \\| [请重试 ]{0,5}\n",
                    "\\PC{0,30}\n",
                ],
                0..30,
            )
            .prop_map(|parts| parts.concat())
        }

        fn folder() -> impl Strategy<Value = Vec<ApiPage>> {
            prop::collection::vec(("[ab]{1,2}\\.md", page_text()), 0..6).prop_map(|pages| {
                pages.into_iter().map(|(path, text)| parse_api_page(&path, &text)).collect()
            })
        }

        proptest! {
            #[test]
            fn compare_api_pages_never_panics_and_mirrors(old in folder(), new in folder()) {
                let d = compare_api_pages(&old, &new);
                let back = compare_api_pages(&new, &old);
                prop_assert_eq!(d.added.len(), back.removed.len());
                prop_assert_eq!(d.removed.len(), back.added.len());
                prop_assert_eq!(d.changed.len(), back.changed.len());
                prop_assert_eq!(d.has_changes(), back.has_changes());
                let count = |d: &ApiDiff, f: fn(&ApiChange) -> usize| d.changed.iter().map(f).sum::<usize>();
                prop_assert_eq!(count(&d, |c| c.codes_added.len()), count(&back, |c| c.codes_removed.len()));
                prop_assert_eq!(count(&d, |c| c.status_changed.len()), count(&back, |c| c.status_changed.len()));
                prop_assert_eq!(count(&d, |c| c.message_changed.len()), count(&back, |c| c.message_changed.len()));
                // Every page is accounted for: paired, added or removed.
                prop_assert_eq!(new.len() - d.added.len(), old.len() - d.removed.len());
                let same = compare_api_pages(&old, &old);
                prop_assert!(!same.has_changes() && same.changed.is_empty());
                let _ = check_api_pages(&new);
            }

            #[test]
            fn compare_api_pages_of_arbitrary_text_never_panics(a in "\\PC{0,400}", b in "\\PC{0,400}") {
                let d = compare_api_pages(&[parse_api_page("p.md", &a)], &[parse_api_page("p.md", &b)]);
                prop_assert!(d.added.is_empty() && d.removed.is_empty());
            }
        }
    }
}
