//! `larkerr api QUERY`: one documented API and what its page says (doc, rate limit,
//! scopes, error codes), found by `METHOD URL`, by a concrete URL, or by its title.
//!
//! Which API a request is comes from the library's router
//! ([`lark_errors::route`], [`lark_errors::route_candidates`]); the text search over
//! titles and paths is plain case-insensitive substring matching, ranked here: an
//! exact title or path first, then a title that starts with the query, one that
//! contains it, a path that contains it; shorter titles first, then by path.

use std::io::{self, Write};

use lark_errors::Entry;
use lark_errors::catalog::{Api, Method, RateLimit};
use serde::Serialize;

use crate::Status;
use crate::explain::{field_at, semantics_line, text};
use crate::output::{self, Printer, Tone};
use crate::render;

/// Show one API: its page, rate limit, scopes and error codes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `METHOD URL` (`POST /open-apis/im/v1/messages`), a concrete URL or path
    /// (any host, real IDs, a query string; the method may be left out where the
    /// path has one), a path fragment (`im/v1/messages`) or words of a title
    /// (`发送消息`). Several words are joined with spaces.
    #[arg(required = true, value_name = "QUERY", num_args = 1.., value_parser = non_empty)]
    query: Vec<String>,
    /// List the matches even when one of them is exact.
    #[arg(long)]
    list: bool,
    /// List at most N matches; 0 lists all.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    limit: usize,
    /// Print a JSON array, one object per API shown (every match when several):
    /// the API's fields (`method`, `path`, `url`, `title`, `doc_url`, `updated`,
    /// `rate_limit`, `app_types`, `scopes`, `field_scopes`, `entries` as a count)
    /// and `errors`, its entries.
    #[arg(long)]
    json: bool,
}

fn non_empty(text: &str) -> Result<String, String> {
    if text.trim().is_empty() { Err("the query is empty".to_owned()) } else { Ok(text.to_owned()) }
}

/// What a query found.
#[derive(Debug)]
pub(crate) enum Found {
    /// One API, with how many others also matched the text (an exact title or path
    /// among several matches).
    One(&'static Api, usize),
    /// Several, best first.
    Several(Vec<&'static Api>),
}

/// Why a query found nothing: bad usage (exit 2) or no API (exit 1).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// The query is malformed (a word that is not a method before a path).
    Usage(String),
    /// No API matches.
    None(String),
}

/// Finds the APIs of `query`. See the module documentation for the order.
pub(crate) fn find(query: &str, list: bool) -> Result<Found, Miss> {
    let q = query.trim();
    let shown = render::truncate(q, 60);
    let words: Vec<&str> = q.split_whitespace().collect();
    // `METHOD URL`: the router decides; a word before a URL that is not a method is a
    // usage error, not a title.
    if let [first, rest @ ..] = words.as_slice() {
        match first.parse::<Method>() {
            Ok(_) if !rest.is_empty() => {
                return crate::request::parse_api(q).map(|a| Found::One(a, 0)).map_err(Miss::None);
            }
            Err(e)
                if matches!(rest, [url] if url.contains('/'))
                    && first.bytes().all(|b| b.is_ascii_alphabetic()) =>
            {
                return Err(Miss::Usage(format!("`{}`: {e}", render::truncate(first, 20))));
            }
            _ => {}
        }
    }
    // A concrete URL or path: every API its path routes to (any method).
    if words.len() == 1 && q.contains('/') {
        let prefix = lark_errors::platform::host::API_PREFIX;
        let routed = match lark_errors::route_candidates(q) {
            [] if !q.contains(prefix) => {
                lark_errors::route_candidates(&format!("{prefix}{}", q.trim_start_matches('/')))
            }
            apis => apis,
        };
        match routed {
            [] => {}
            [one] => return Ok(Found::One(one, 0)),
            several => {
                let mut v = several.to_vec();
                v.sort_by_key(|a| a.method());
                return Ok(Found::Several(v));
            }
        }
    }
    let hits = search(q);
    match hits.as_slice() {
        [] => Err(Miss::None(format!("no API's title or path contains `{shown}`"))),
        [(_, one)] => Ok(Found::One(one, 0)),
        [(0, one), (r, _), ..] if *r > 0 && !list => Ok(Found::One(one, hits.len() - 1)),
        _ => Ok(Found::Several(hits.into_iter().map(|(_, a)| a).collect())),
    }
}

/// Every API whose title or path contains `q` (case-insensitive), with its rank
/// (0 exact title or path, 1 title prefix, 2 title contains, 3 path contains), best
/// first.
fn search(q: &str) -> Vec<(u8, &'static Api)> {
    let needle = q.to_lowercase();
    let mut hits: Vec<(u8, &'static Api)> = lark_errors::apis()
        .iter()
        .filter_map(|a| {
            let (title, path) = (lower(a.title()), lower(a.path()));
            let rank = if *title == *needle || *path == *needle {
                0
            } else if title.starts_with(&needle) {
                1
            } else if title.contains(&needle) {
                2
            } else if path.contains(&needle) {
                3
            } else {
                return None;
            };
            Some((rank, a))
        })
        .collect();
    hits.sort_by_key(|&(rank, a)| (rank, render::width(a.title()), a.path(), a.method()));
    hits
}

/// `text` lower-cased, borrowed when it has no upper case (most titles are Chinese).
fn lower(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(text.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// An API with its entries, for `--json`.
#[derive(Debug, Serialize)]
struct ApiView {
    #[serde(flatten)]
    api: &'static Api,
    errors: &'static [&'static Entry],
}

/// Runs `larkerr api`.
pub fn run(args: &Args, p: Printer) -> io::Result<Status> {
    let query = args.query.join(" ");
    let found = match find(&query, args.list) {
        Ok(found) => found,
        Err(Miss::Usage(why)) => {
            output::error(why);
            return Ok(Status::Usage);
        }
        Err(Miss::None(why)) => {
            output::error(why);
            return Ok(Status::NotFound);
        }
    };
    let mut out = output::stdout();
    let limit = if args.limit == 0 { usize::MAX } else { args.limit };
    if args.json {
        let apis: Vec<&'static Api> = match &found {
            Found::One(api, _) => vec![api],
            Found::Several(apis) => apis.iter().copied().take(limit).collect(),
        };
        let views: Vec<ApiView> =
            apis.into_iter().map(|api| ApiView { api, errors: api.entries() }).collect();
        serde_json::to_writer_pretty(&mut out, &views)?;
        writeln!(out)?;
    } else {
        let mut s = String::new();
        match &found {
            Found::One(api, others) => {
                write_api(&mut s, api, p);
                if *others > 0 {
                    let note = format!(
                        "{others} other API{} match `{}` (--list lists them)",
                        if *others == 1 { "" } else { "s" },
                        render::truncate(&query, 40)
                    );
                    s.push('\n');
                    render::wrap(&mut s, &text(note, Tone::Dim), 0, 0, p);
                }
            }
            Found::Several(apis) => write_list(&mut s, &query, apis, limit, p),
        }
        out.write_all(s.as_bytes())?;
    }
    out.flush()?;
    Ok(Status::Found)
}

/// Width of the labels of an API's fields (`field scopes`).
const LABEL: usize = 12;

fn line(out: &mut String, label: &str, value: &[(String, Tone)], p: Printer) {
    field_at(out, label, LABEL, value, p);
}

/// `1000/min, 50/s` or what a special tier means.
fn rate_limit(limit: Option<RateLimit>) -> String {
    match limit {
        None => "not documented on its page".to_owned(),
        Some(RateLimit::Special) => {
            "special (特殊频控): set by its page or the platform".to_owned()
        }
        Some(tier) => tier.to_string(),
    }
}

/// Appends one API in full.
fn write_api(out: &mut String, api: &'static Api, p: Printer) {
    p.paint(out, &api.to_string(), Tone::Strong);
    out.push_str("  ");
    let col = render::width(&api.to_string()) + 2;
    render::wrap(out, &text(api.title(), Tone::Plain), col, 2, p);
    line(out, "url", &text(api.url(), Tone::Url), p);
    let doc = vec![
        (api.doc_url().to_owned(), Tone::Url),
        (format!(" (page of {})", api.updated()), Tone::Dim),
    ];
    line(out, "doc", &doc, p);
    line(out, "rate limit", &text(rate_limit(api.rate_limit()), Tone::Plain), p);
    if !api.app_types().is_empty() {
        let types: Vec<&str> = api.app_types().iter().map(|t| t.as_str()).collect();
        line(out, "app types", &text(types.join(", "), Tone::Plain), p);
    }
    match api.scopes() {
        [] => line(out, "scopes", &text("none documented", Tone::Dim), p),
        [one] => line(out, "scope", &scope(one), p),
        scopes => {
            line(out, "scopes", &text("any one of them suffices", Tone::Dim), p);
            for s in scopes {
                line(out, "", &scope(s), p);
            }
        }
    }
    for (i, s) in api.field_scopes().iter().enumerate() {
        line(out, if i == 0 { "field scopes" } else { "" }, &scope(s), p);
    }
    write_errors(out, api, p);
}

fn scope(s: &lark_errors::catalog::Scope) -> Vec<(String, Tone)> {
    let mut v = vec![(s.id().to_owned(), Tone::Strong)];
    if !s.name().is_empty() {
        v.push((format!(" ({})", s.name()), Tone::Plain));
    }
    v
}

/// Appends the API's error codes: code and message, then category, action and HTTP
/// status; sub-code rows after, under the code that carries them.
fn write_errors(out: &mut String, api: &'static Api, p: Printer) {
    let entries = api.entries();
    let (top, subs): (Vec<&Entry>, Vec<&Entry>) =
        entries.iter().copied().partition(|e| e.parent_code().is_none());
    if top.is_empty() && subs.is_empty() {
        line(out, "errors", &text("none documented on its page", Tone::Dim), p);
        return;
    }
    let mut codes: Vec<u32> = top.iter().map(|e| e.code()).collect();
    codes.dedup();
    let head = format!(
        "{} code{} on its page (the generic page's apply too)",
        codes.len(),
        if codes.len() == 1 { "" } else { "s" }
    );
    line(out, "errors", &text(head, Tone::Plain), p);
    for e in &top {
        write_error(out, &e.code().to_string(), e, p);
    }
    let mut parent = None;
    for e in &subs {
        if parent != e.parent_code() {
            parent = e.parent_code();
            let head = format!(
                "sub-codes of {} (carried in its msg, `ErrCode: ...`)",
                parent.map_or_else(String::new, |c| c.to_string())
            );
            out.push_str("    ");
            render::wrap(out, &text(head, Tone::Plain), 4, 4, p);
        }
        write_error(out, &e.code().to_string(), e, p);
    }
}

/// `    230002  The bot can not be outside the group.` and its semantics under it.
fn write_error(out: &mut String, code: &str, e: &Entry, p: Printer) {
    out.push_str("    ");
    p.paint(out, code, Tone::Strong);
    out.push_str("  ");
    let col = 4 + render::width(code) + 2;
    render::wrap(out, &text(e.message(), Tone::Plain), col, col, p);
    out.push_str(&" ".repeat(col));
    render::wrap(out, &semantics_line(e), col, col, p);
}

/// Appends a short list of matches: method, path and title, and how many.
fn write_list(out: &mut String, query: &str, apis: &[&'static Api], limit: usize, p: Printer) {
    let shown = apis.len().min(limit);
    let head = format!(
        "{} APIs match `{}`{}:",
        apis.len(),
        render::truncate(query, 40),
        if shown < apis.len() {
            format!(" (the first {shown}; --limit 0 lists all)")
        } else {
            String::new()
        }
    );
    render::wrap(out, &text(head, Tone::Strong), 0, 2, p);
    for api in &apis[..shown] {
        out.push_str("  ");
        let room = p.width.saturating_sub(2).max(20);
        let entry = render::truncate(&format!("{api} ({})", api.title()), room);
        render::wrap(out, &text(entry, Tone::Plain), 2, 4, p);
    }
    let hint = "one of them in full: larkerr api 'METHOD PATH'";
    render::wrap(out, &text(hint, Tone::Dim), 0, 2, p);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(q: &str) -> &'static Api {
        match find(q, false) {
            Ok(Found::One(api, _)) => api,
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn a_method_and_url_or_a_concrete_url_routes() {
        let api =
            one("POST https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id");
        assert_eq!(api.to_string(), "POST /open-apis/im/v1/messages");
        assert_eq!(one("/open-apis/im/v1/messages/om_1/reactions/r_1").method(), Method::Delete);
        // A path with APIs of two methods: both, GET first.
        match find("im/v1/messages", false) {
            Ok(Found::Several(apis)) => {
                let names: Vec<String> = apis.iter().map(|a| a.to_string()).collect();
                assert_eq!(
                    names,
                    ["GET /open-apis/im/v1/messages", "POST /open-apis/im/v1/messages"]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_title_search_prefers_the_exact_title() {
        let api = one("发送消息");
        assert_eq!(api.title(), "发送消息");
        match find("发送消息", true) {
            Ok(Found::Several(apis)) => {
                assert_eq!(apis[0].title(), "发送消息");
                assert!(
                    apis.iter()
                        .all(|a| a.title().contains("发送消息") || a.path().contains("发送消息"))
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn misses_say_why() {
        assert!(matches!(find("GET /open-apis/no/such", false), Err(Miss::None(_))));
        assert!(matches!(find("FETCH /open-apis/im/v1/messages", false), Err(Miss::Usage(_))));
        assert!(matches!(find("zzzz-no-such-title", false), Err(Miss::None(_))));
    }
}
