//! `larkerr explain CODE...`: every entry of each code, in words, with its advice.

use std::io::{self, Write};

use lark_errors::Entry;
use lark_errors::catalog::{Api, Language, Meaning};

use crate::Status;
use crate::output::{self, Printer, Tone};
use crate::render;
use crate::words::{self, Lang};

/// Explain one or more error codes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Error codes, as the `code` field of a response gives them (e.g. 99991663).
    #[arg(required = true, value_name = "CODE", value_parser = parse_code, allow_negative_numbers = true)]
    codes: Vec<u32>,
    /// The API that returned the code, `METHOD URL` (any host or a bare path; query
    /// allowed; the method may be left out where the path has one): its own entry
    /// comes first, with its HTTP status and advice.
    #[arg(long, value_name = "METHOD URL", value_parser = crate::request::parse_api)]
    api: Option<&'static Api>,
    /// List every API of each meaning (by default a few, and how many more).
    #[arg(long)]
    all: bool,
    /// Language of the advice [default: en where the Lark page has English advice,
    /// else zh]. The message is shown as documented either way.
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
    /// Print a JSON array of every entry shown, in the same order: the API's own
    /// entries (with --api), the generic page's, then every per-API entry of each
    /// meaning (carrying its `api`), then sub-code rows (carrying `parent_code`).
    #[arg(long)]
    json: bool,
}

/// Parses a code argument; clap turns the error into a usage error (exit 2).
pub(crate) fn parse_code(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let shown = crate::render::truncate(text, 40);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{shown}` is not an error code (expected a non-negative integer like {})",
            lark_errors::platform::code::INVALID_ACCESS_TOKEN
        ));
    }
    t.parse()
        .map_err(|_| format!("`{shown}` is out of range for an error code (at most {})", u32::MAX))
}

/// Everything the catalog knows about one code, in the order it is shown.
#[derive(Debug)]
pub(crate) struct Explanation {
    code: u32,
    /// The API asked about (`--api`), if any.
    api: Option<&'static Api>,
    /// That API's own entries for the code (empty when it documents none).
    api_entries: Vec<&'static Entry>,
    /// The generic page's entries.
    generic: &'static [Entry],
    /// The code's meanings across API pages, most documented first (with `--api`, the
    /// meaning of the API's own entry left out).
    meanings: Vec<MeaningView>,
    /// Rows of sub-code tables: the code as it appears in another code's msg.
    sub_codes: Vec<&'static Entry>,
}

/// One meaning across API pages, with every API that documents it, shortest path first.
#[derive(Debug)]
pub(crate) struct MeaningView {
    /// The first entry, whose message, semantics and advice stand for the meaning.
    entry: &'static Entry,
    /// Every entry of the meaning, in page order (one per page documenting it, pages
    /// without an API included).
    entries: &'static [Entry],
    /// How many pages document the meaning (pages without an API included).
    pages: usize,
    /// The APIs, shortest path first.
    apis: Vec<ApiRef>,
}

/// An API named in a list: method, path and title.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApiRef {
    method: &'static str,
    path: &'static str,
    title: &'static str,
}

impl ApiRef {
    pub(crate) fn of(api: &'static Api) -> ApiRef {
        ApiRef { method: api.method().as_str(), path: api.path(), title: api.title() }
    }
}

/// The APIs of `meaning`, deduplicated, shortest path first (then path, method).
fn apis_of(meaning: &Meaning) -> Vec<ApiRef> {
    let mut apis: Vec<&'static Api> = meaning.apis().collect();
    apis.sort_by_key(|a| (a.path().len(), a.path(), a.method()));
    apis.dedup_by(|a, b| std::ptr::eq(*a, *b));
    apis.into_iter().map(ApiRef::of).collect()
}

impl Explanation {
    /// What the catalog has for `code` (with `api` known, its entry first); `None` when
    /// no page documents it.
    pub(crate) fn of(code: u32, api: Option<&'static Api>) -> Option<Explanation> {
        let api_entries: Vec<&'static Entry> = api
            .map(|a| a.lookup(code).iter().copied().filter(|e| e.parent_code().is_none()).collect())
            .unwrap_or_default();
        let generic = lark_errors::lookup(code);
        let meanings: Vec<MeaningView> = lark_errors::meanings(code)
            .iter()
            .filter(|m| {
                !m.entries().iter().any(|e| api_entries.iter().any(|own| std::ptr::eq(e, *own)))
            })
            .map(|m| MeaningView {
                entry: m.entry(),
                entries: m.entries(),
                pages: m.entries().len(),
                apis: apis_of(m),
            })
            .collect();
        let mut sub_codes: Vec<&'static Entry> = lark_errors::catalog::lookup_apis(code)
            .iter()
            .filter(|e| e.parent_code().is_some())
            .collect();
        // One row per parent code and message: the same sub-code table is on many pages.
        sub_codes.dedup_by(|a, b| a.parent_code() == b.parent_code() && a.message() == b.message());
        let documented = !api_entries.is_empty()
            || !generic.is_empty()
            || !meanings.is_empty()
            || !sub_codes.is_empty();
        documented.then_some(Explanation { code, api, api_entries, generic, meanings, sub_codes })
    }

    /// Every entry of the explanation, in the order it is shown: the API's own, the
    /// generic page's, each meaning's (all its pages), the sub-code rows.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &'static Entry> + '_ {
        self.api_entries
            .iter()
            .copied()
            .chain(self.generic)
            .chain(self.meanings.iter().flat_map(|m| m.entries))
            .chain(self.sub_codes.iter().copied())
    }
}

/// Runs `larkerr explain`.
pub fn run(args: &Args, settings: Printer) -> io::Result<Status> {
    let mut out = output::stdout();
    let mut status = Status::Found;
    let mut found: Vec<Explanation> = Vec::new();
    for &code in &args.codes {
        match Explanation::of(code, args.api) {
            Some(x) => found.push(x),
            None => {
                output::error(format_args!("{code} is not a documented error code"));
                status = Status::NotFound;
            }
        }
    }
    if args.json {
        // An array of entries, as it always was (`#/$defs/entry` of the schema): the
        // per-API ones name their API, so the grouping is the reader's to redo.
        let entries: Vec<&Entry> = found.iter().flat_map(Explanation::entries).collect();
        serde_json::to_writer_pretty(&mut out, &entries)?;
        writeln!(out)?;
    } else {
        let lang = args.lang.map(Language::from);
        for (i, x) in found.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let mut text = String::new();
            write_explanation(&mut text, x, lang, args.all, settings);
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(status)
}

/// Width of a meaning's labels (`  APIs (137)`).
const M_LABEL: usize = 12;

/// How many APIs a meaning lists without `--all`.
const APIS_SHOWN: usize = 3;

/// How many meanings are shown in full (with advice) without `--all`; more than this
/// and each is a summary.
const MEANINGS_IN_FULL: usize = 3;

/// How many meanings are listed at all without `--all`.
const MEANINGS_SHOWN: usize = 8;

/// Appends an explanation: the API's own entry (with `--api`), the generic entries,
/// then the meanings across API pages and the sub-code rows.
fn write_explanation(
    out: &mut String,
    x: &Explanation,
    lang: Option<Language>,
    all: bool,
    s: Printer,
) {
    let mut first = true;
    let mut gap = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push('\n');
        }
    };
    if let Some(api) = x.api {
        if x.api_entries.is_empty() {
            gap(out);
            s.paint(out, &api.to_string(), Tone::Strong);
            out.push('\n');
            let note = format!(
                "its page ({}) does not document {}; {}",
                api.title(),
                x.code,
                if x.generic.is_empty() {
                    "its meanings on other API pages follow"
                } else {
                    "the generic entry follows"
                }
            );
            field(out, "note", &text(note, Tone::Warn), s);
        }
        for entry in &x.api_entries {
            gap(out);
            write_entry(out, entry, lang, s);
            // Its meaning on other pages is left out below: say how widely it is shared.
            let others = entry.meaning().map_or(0, |m| m.entries().len().saturating_sub(1));
            if others > 0 {
                let note = format!(
                    "the same meaning is on {others} other API page{} (`larkerr explain {}` lists them)",
                    plural(others),
                    x.code
                );
                field(out, "also", &text(note, Tone::Dim), s);
            }
        }
    }
    for entry in x.generic {
        gap(out);
        write_entry(out, entry, lang, s);
    }
    if !x.meanings.is_empty() {
        gap(out);
        write_meanings(out, x, lang, all, s);
    }
    if !x.sub_codes.is_empty() {
        gap(out);
        let head = format!(
            "{} as a sub-code (carried in another code's msg, `ErrCode: {}`)",
            x.code, x.code
        );
        render::wrap(out, &text(head, Tone::Strong), 0, 2, s);
        for e in &x.sub_codes {
            let parent = e.parent_code().map_or_else(String::new, |p| p.to_string());
            field(out, &format!("in {parent}"), &text(e.message(), Tone::Plain), s);
            field(out, "", &semantics_line(e), s);
        }
    }
}

/// `failed precondition · fix the request · HTTP 400`.
pub(crate) fn semantics_line(e: &Entry) -> Vec<(String, Tone)> {
    let mut v = vec![
        (e.category().describe().to_owned(), Tone::Plain),
        (" · ".to_owned(), Tone::Dim),
        (words::action(e.action(), e.token()), Tone::Act),
    ];
    if let Some(status) = e.http_status() {
        v.push((format!(" · HTTP {status}"), Tone::Plain));
    }
    v
}

/// Appends the meanings across API pages: message, semantics, APIs (a few, and how
/// many more, unless `all`), and the advice when there are few meanings (or `all`).
fn write_meanings(
    out: &mut String,
    x: &Explanation,
    lang: Option<Language>,
    all: bool,
    s: Printer,
) {
    let apis: usize = x.meanings.iter().map(|m| m.apis.len()).sum();
    let pages: usize = x.meanings.iter().map(|m| m.pages).sum();
    let n = x.meanings.len();
    let other = if x.api.is_some() { " other" } else { "" };
    let head = format!(
        "{} on{other} API pages: {n} meaning{} on {pages} page{} ({apis} API{})",
        x.code,
        plural(n),
        plural(pages),
        plural(apis)
    );
    render::wrap(out, &text(head, Tone::Strong), 0, 2, s);
    let in_full = all || n <= MEANINGS_IN_FULL;
    let shown = if all { n } else { n.min(MEANINGS_SHOWN) };
    for (i, m) in x.meanings[..shown].iter().enumerate() {
        if in_full && i > 0 {
            out.push('\n');
        }
        let e = m.entry;
        out.push_str("  ");
        let col = 2;
        render::wrap(out, &text(e.message(), Tone::Plain), col, col, s);
        field_at(out, "  semantics", M_LABEL, &semantics_line(e), s);
        let listed = if all { m.apis.len() } else { m.apis.len().min(APIS_SHOWN) };
        let label = format!("  APIs ({})", m.apis.len());
        if m.apis.is_empty() {
            let note = format!(
                "{} page{} without an API ({})",
                m.pages,
                plural(m.pages),
                e.source().title
            );
            field_at(out, "  APIs (0)", M_LABEL, &text(note, Tone::Dim), s);
        }
        for (j, a) in m.apis[..listed].iter().enumerate() {
            let room = s.width.saturating_sub(2 + M_LABEL + 2).max(20);
            field_at(out, if j == 0 { &label } else { "" }, M_LABEL, &api_line(a, room), s);
        }
        if listed < m.apis.len() {
            let more = format!("… and {} more (--all lists every API)", m.apis.len() - listed);
            field_at(out, "", M_LABEL, &text(more, Tone::Dim), s);
        }
        if in_full {
            let choice = e.advice_for(lang);
            let mut label = vec![(format!("({})", choice.language), Tone::Dim)];
            if let Some(note) = words::advice_note(&choice) {
                label.push((format!(" {note}"), Tone::Dim));
            }
            field_at(out, "  advice", M_LABEL, &label, s);
            out.push_str(&render::markdown(choice.text, 6, s));
        }
    }
    if shown < n {
        let more = format!("… and {} more meanings (--all shows every one)", n - shown);
        out.push_str("  ");
        render::wrap(out, &text(more, Tone::Dim), 2, 2, s);
    }
    if !in_full {
        let hint = "the advice of each: --all; one API's own entry: --api 'METHOD URL'";
        out.push_str("  ");
        render::wrap(out, &text(hint, Tone::Dim), 2, 2, s);
    }
}

/// `POST /open-apis/... (title)` in `room` columns: the method and path whole (a path
/// too long for the room wraps on its own line), the title cut to what is left (left
/// out when too little is).
fn api_line(a: &ApiRef, room: usize) -> Vec<(String, Tone)> {
    let route = format!("{} {}", a.method, a.path);
    let full = format!(" ({})", a.title);
    let left = room.saturating_sub(render::width(&route));
    if render::width(&full) <= left {
        vec![(route, Tone::Plain), (full, Tone::Plain)]
    } else if left >= 8 {
        vec![(route, Tone::Plain), (render::truncate(&full, left), Tone::Plain)]
    } else {
        vec![(a.method.to_owned(), Tone::Plain), (format!(" {}", a.path), Tone::Plain)]
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Width of the labels of an entry's fields (`retryable`).
const LABEL_WIDTH: usize = 9;

/// Appends `  label     value`, the value wrapped under itself.
fn field(out: &mut String, label: &str, value: &[(String, Tone)], s: Printer) {
    field_at(out, label, LABEL_WIDTH, value, s);
}

/// Appends `  label     value` with labels padded to `label_width` columns, the value
/// wrapped under itself.
pub(crate) fn field_at(
    out: &mut String,
    label: &str,
    label_width: usize,
    value: &[(String, Tone)],
    s: Printer,
) {
    out.push_str("  ");
    s.paint(out, &format!("{label:<label_width$}"), Tone::Dim);
    out.push_str("  ");
    let col = 2 + label_width.max(render::width(label)) + 2;
    render::wrap(out, value, col, col, s);
}

/// A value in one tone.
pub(crate) fn text(value: impl Into<String>, tone: Tone) -> Vec<(String, Tone)> {
    vec![(value.into(), tone)]
}

/// The code and message heading an entry or diagnosis, the message wrapped under itself.
pub(crate) fn heading(out: &mut String, code: &str, message: &str, s: Printer) {
    s.paint(out, code, Tone::Strong);
    out.push_str("  ");
    let col = render::width(code) + 2;
    render::wrap(out, &text(message, Tone::Plain), col, col, s);
}

/// Appends the human form of an entry: heading, semantics, source and advice.
pub(crate) fn write_entry(out: &mut String, entry: &Entry, lang: Option<Language>, s: Printer) {
    heading(out, &entry.code().to_string(), entry.message(), s);
    let siblings: &[&Entry] = &match entry.api() {
        Some(api) => {
            api.lookup(entry.code()).iter().copied().filter(|e| e.parent_code().is_none()).collect()
        }
        None if entry.is_generic() => lark_errors::lookup(entry.code()).iter().collect(),
        None => Vec::new(),
    };
    if let Some(api) = entry.api() {
        let value =
            vec![(api.to_string(), Tone::Strong), (format!(" ({})", api.title()), Tone::Plain)];
        field(out, "api", &value, s);
    }
    if siblings.len() > 1 {
        // A code's entries are its rows on one page: the line tells them apart.
        let n = siblings.iter().position(|e| e.line() == entry.line()).map_or(0, |i| i + 1);
        let times = match siblings.len() {
            2 => "twice".to_owned(),
            n => format!("{n} times"),
        };
        let note = format!(
            "{n} of {}: the page documents {} {times}; the live msg decides which applies",
            siblings.len(),
            entry.code(),
        );
        field(out, "entry", &text(note, Tone::Plain), s);
    }
    write_semantics(out, entry, s);
    field(out, "reason", &text(entry.reason(), Tone::Plain), s);
    let choice = entry.advice_for(lang);
    let (advice, shown, note) = (choice.text, choice.language, words::advice_note(&choice));
    let source = entry.source();
    let mut from = format!("{} ({}), line {}", source.title, source.updated, entry.line());
    if let (Language::En, Some(en)) = (shown, entry.english()) {
        let page = en.source();
        from.push_str(&format!("; English: {} ({}), line {}", page.title, page.updated, en.line()));
    }
    field(out, "source", &text(from, Tone::Plain), s);
    let mut label = vec![(format!("({shown})"), Tone::Dim)];
    if let Some(note) = note {
        label.push((format!(" {note}"), Tone::Dim));
    }
    field(out, "advice", &label, s);
    out.push_str(&render::markdown(advice, 4, s));
}

/// Appends the category, action, retryable, token and known HTTP status of an entry.
fn write_semantics(out: &mut String, entry: &Entry, s: Printer) {
    let category = entry.category();
    field(out, "category", &words::category(category), s);
    let action = entry.action();
    field(
        out,
        "action",
        &[(words::action(action, entry.token()), Tone::Act), (format!(" ({action})"), Tone::Dim)],
        s,
    );
    let retry_tone = if action.is_retryable() { Tone::Plain } else { Tone::Warn };
    field(out, "retryable", &text(words::retryable(action), retry_tone), s);
    let token = entry.token().map_or_else(|| "none".to_owned(), |t| t.to_string());
    field(out, "token", &text(token, Tone::Plain), s);
    if let Some(status) = entry.http_status() {
        field(out, "http", &text(format!("sent with HTTP {status}"), Tone::Plain), s);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_code;

    #[test]
    fn codes_are_non_negative_32_bit_integers() {
        assert_eq!(parse_code("99991663"), Ok(99991663));
        assert_eq!(parse_code(" 0 "), Ok(0));
        assert!(parse_code("-1").unwrap_err().contains("not an error code"));
        assert!(parse_code("abc").unwrap_err().contains("not an error code"));
        assert!(parse_code("").unwrap_err().contains("not an error code"));
        assert!(parse_code("4294967296").unwrap_err().contains("out of range"));
    }
}
