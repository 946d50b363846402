//! `larkerr list`: the catalog as a table, filtered by the library's semantics, by API,
//! product area and HTTP status.
//!
//! Without `--api`, `--area` or `--all` it lists the generic page; `--api` and `--area`
//! list the entries of those APIs' pages; `--all` adds the other layer (every per-API
//! entry, or with `--api`/`--area` the generic page). Per-API entries are
//! grouped under their API in the table; JSON and CSV keep catalog order.

use std::io::{self, Write};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use lark_errors::catalog::{self, Api, Method};
use lark_errors::{Action, Category, Entry, TokenKind};

use crate::Status;
use crate::export;
use crate::output::{self, Printer, Tone};
use crate::render;

/// List the catalog.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only entries of these categories (repeat or separate with commas).
    #[arg(long, value_name = "CATEGORY", value_delimiter = ',', value_parser = words(Category::ALL, Category::as_str, Category::describe))]
    category: Vec<Category>,
    /// Only entries with these actions (repeat or separate with commas).
    #[arg(long, value_name = "ACTION", value_delimiter = ',', value_parser = words(Action::ALL, Action::as_str, Action::describe))]
    action: Vec<Action>,
    /// Only entries about these access tokens (repeat or separate with commas).
    #[arg(long, value_name = "TOKEN", value_delimiter = ',', value_parser = words(TokenKind::ALL, TokenKind::as_str, TokenKind::as_str))]
    token: Vec<TokenKind>,
    /// Only retryable entries (`--retryable`, `--retryable=true`) or only the others
    /// (`--retryable=false`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    retryable: Option<bool>,
    /// Only the entries of this API's page: `'METHOD PATH'` (`'POST
    /// /open-apis/im/v1/messages'`, a template or a concrete URL, routed by the library)
    /// or a path or URL alone (every method of its template). Repeat for several.
    #[arg(long, value_name = "API", value_parser = parse_api)]
    api: Vec<Vec<&'static Api>>,
    /// Only the entries of APIs in these product areas: the first path segment after
    /// /open-apis/ (`im`, `bitable`, `drive`, ...; repeat or separate with commas).
    #[arg(long, value_name = "AREA", value_delimiter = ',', value_parser = parse_area)]
    area: Vec<&'static str>,
    /// Only entries documented with these HTTP statuses (repeat or separate with
    /// commas). API pages give a status per error; few generic entries have one.
    #[arg(long, value_name = "STATUS", value_delimiter = ',', value_parser = clap::value_parser!(u16).range(100..=599))]
    status: Vec<u16>,
    /// List both layers: the generic page and every per-API entry (with `--api` or
    /// `--area`: the generic page as well as those APIs' entries).
    #[arg(long)]
    all: bool,
    /// Print a JSON array of entry objects instead.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV (RFC 4180, a header row, one row per entry) instead.
    #[arg(long)]
    csv: bool,
}

/// A value parser for one of the library's word types, offering its words (with their
/// descriptions) to completions and the man page.
fn words<T>(
    all: &'static [T],
    name: fn(T) -> &'static str,
    describe: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T>
where
    T: Copy + Send + Sync + Clone + std::str::FromStr + 'static,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let values = all.iter().map(move |&w| {
        let value = PossibleValue::new(name(w));
        if describe(w) == name(w) { value } else { value.help(describe(w)) }
    });
    PossibleValuesParser::new(values).try_map(|s| s.parse::<T>())
}

/// Parses `--api`: `METHOD PATH` routed to one API, or a path alone routed to every
/// method of its template.
fn parse_api(text: &str) -> Result<Vec<&'static Api>, String> {
    let shown = render::truncate(text.trim(), 60);
    let (method, path) = match text.trim().split_once(char::is_whitespace) {
        Some((m, rest)) => match m.parse::<Method>() {
            Ok(m) => (Some(m), rest.trim()),
            Err(e) => return Err(format!("`{shown}`: {e}")),
        },
        None => (None, text.trim()),
    };
    let found: Vec<&'static Api> = match method {
        Some(m) => catalog::route(m, path).into_iter().collect(),
        None => catalog::route_candidates(path).to_vec(),
    };
    if found.is_empty() {
        return Err(format!("no documented API matches `{shown}`"));
    }
    Ok(found)
}

/// Parses `--area`: one of the library's areas.
fn parse_area(text: &str) -> Result<&'static str, String> {
    let text = text.trim();
    catalog::areas().into_iter().find(|a| a.eq_ignore_ascii_case(text)).ok_or_else(|| {
        format!(
            "no API is in area `{}` (areas are like im, bitable, drive)",
            render::truncate(text, 40)
        )
    })
}

impl Args {
    fn keeps(&self, e: &Entry) -> bool {
        (self.category.is_empty() || self.category.contains(&e.category()))
            && (self.action.is_empty() || self.action.contains(&e.action()))
            && (self.token.is_empty() || e.token().is_some_and(|t| self.token.contains(&t)))
            && self.retryable.is_none_or(|r| e.retryable() == r)
            && (self.status.is_empty() || e.http_status().is_some_and(|s| self.status.contains(&s)))
    }

    /// Whether the filters name APIs (`--api`, `--area`).
    fn by_api(&self) -> bool {
        !self.api.is_empty() || !self.area.is_empty()
    }

    /// Whether a per-API entry's API is one asked for.
    fn keeps_api(&self, api: Option<&'static Api>) -> bool {
        if !self.by_api() {
            return true;
        }
        let Some(api) = api else { return false };
        self.api.iter().flatten().any(|a| std::ptr::eq(*a, api)) || self.area.contains(&api.area())
    }

    /// The entries to list, in catalog order: the generic page's, then the API pages'.
    fn entries(&self) -> Vec<&'static Entry> {
        let generic = self.all || !self.by_api();
        let apis = self.all || self.by_api();
        let generic = lark_errors::entries().iter().filter(move |_| generic);
        let per_api = catalog::api_entries().iter().filter(move |_| apis);
        generic
            .chain(per_api.filter(|e| self.keeps_api(e.api())))
            .filter(|e| self.keeps(e))
            .collect()
    }
}

/// Runs `larkerr list`.
pub fn run(args: &Args, p: Printer) -> io::Result<Status> {
    let entries = args.entries();
    let mut out = output::stdout();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &entries)?;
        writeln!(out)?;
    } else if args.csv {
        export::write_csv(&mut out, &entries)?;
    } else if !entries.is_empty() {
        let split = entries.iter().position(|e| !e.is_generic()).unwrap_or(entries.len());
        let (generic, per_api) = entries.split_at(split);
        if !generic.is_empty() {
            write_table(&mut out, generic, p)?;
        }
        if !per_api.is_empty() {
            if !generic.is_empty() {
                writeln!(out)?;
            }
            write_by_api(&mut out, per_api, p)?;
        }
    }
    out.flush()?;
    if entries.is_empty() {
        output::error("no entry matches these filters");
        return Ok(Status::NotFound);
    }
    Ok(Status::Found)
}

/// A token kind without its `_access_token` suffix (`tenant`, `app`, `user`), to keep
/// the table narrow; `-` for none.
fn short_token(token: Option<TokenKind>) -> &'static str {
    token.map_or("-", |t| t.as_str().strip_suffix("_access_token").unwrap_or(t.as_str()))
}

/// Writes per-API entries grouped under their API (`METHOD PATH  title`, or the page's
/// title for pages without an API), APIs in path order, each group a table with the
/// documented HTTP status.
fn write_by_api(out: &mut impl Write, entries: &[&'static Entry], s: Printer) -> io::Result<()> {
    let mut sorted = entries.to_vec();
    // Stable: within a group, catalog order (by code).
    sorted.sort_by_key(|e| match e.api() {
        Some(a) => (0, a.path(), a.method(), ""),
        None => (1, "", Method::Get, e.source().file),
    });
    let mut rest = &sorted[..];
    let mut first = true;
    while let Some(head) = rest.first() {
        let same = |e: &&Entry| match (e.api(), head.api()) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => e.source().file == head.source().file,
            _ => false,
        };
        let n = rest.iter().take_while(|e| same(e)).count();
        let (group, tail) = rest.split_at(n);
        rest = tail;
        if !first {
            writeln!(out)?;
        }
        first = false;
        let title = match head.api() {
            Some(api) => format!("{api}  {}", api.title()),
            None => format!("{} (no API)", head.source().title),
        };
        let mut line = String::new();
        // Cut in the middle: the start is the method and path, the end the title.
        let title =
            if s.width_known { output::elide_middle(&title, s.width).into_owned() } else { title };
        s.paint(&mut line, &title, Tone::Strong);
        writeln!(out, "{line}")?;
        write_rows(out, group, true, s)?;
    }
    Ok(())
}

/// Writes the human table: code, category, action, token, message. The message is cut
/// to the width when the width is known (a terminal, `--width` or `COLUMNS`).
fn write_table(out: &mut impl Write, entries: &[&Entry], s: Printer) -> io::Result<()> {
    write_rows(out, entries, false, s)
}

/// Writes a header and a row per entry; with `status`, a STATUS column (the documented
/// HTTP status) after the token.
fn write_rows(
    out: &mut impl Write,
    entries: &[&Entry],
    status: bool,
    s: Printer,
) -> io::Result<()> {
    let widest = |f: &dyn Fn(&Entry) -> usize, min: usize| {
        entries.iter().map(|e| f(e)).max().unwrap_or(0).max(min)
    };
    let code_w = widest(&|e| e.code().to_string().len(), 4);
    let cat_w = widest(&|e| e.category().as_str().len(), 8);
    let act_w = widest(&|e| e.action().as_str().len(), 6);
    let tok_w = widest(&|e| short_token(e.token()).len(), 5);
    let status_w = if status { 8 } else { 0 };
    let fixed = code_w + cat_w + act_w + tok_w + 8 + status_w;
    let room = s.width.saturating_sub(fixed).max(12);
    let mut line = String::new();
    let header = format!(
        "{:<code_w$}  {:<cat_w$}  {:<act_w$}  {:<tok_w$}  {}MESSAGE",
        "CODE",
        "CATEGORY",
        "ACTION",
        "TOKEN",
        if status { "STATUS  " } else { "" }
    );
    s.paint(&mut line, &header, Tone::Dim);
    writeln!(out, "{line}")?;
    for e in entries {
        line.clear();
        s.paint(&mut line, &format!("{:<code_w$}", e.code()), Tone::Strong);
        let token = short_token(e.token());
        line.push_str(&format!(
            "  {:<cat_w$}  {:<act_w$}  {:<tok_w$}  ",
            e.category().as_str(),
            e.action().as_str(),
            token
        ));
        if status {
            let code = e.http_status().map_or_else(|| "-".to_owned(), |c| c.to_string());
            line.push_str(&format!("{code:<6}  "));
        }
        if s.width_known {
            line.push_str(&render::truncate(e.message(), room));
        } else {
            line.push_str(e.message());
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
