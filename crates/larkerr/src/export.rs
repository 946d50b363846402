//! `larkerr export`: the whole catalog with its semantics, for people outside Rust.
//!
//! - JSON: one document, `{generator, sources, categories, actions, token_kinds,
//!   entries, api_sources, apis, api_entries}`, described by `schemas/entry.schema.json`
//!   (`entries` are the generic page's entry objects, as `explain --json` prints them;
//!   `apis` every API; `api_entries` every per-API entry, with its `api`);
//! - CSV: RFC 4180 (CRLF line ends, fields quoted when needed), a header row, one row
//!   per entry, generic then per-API (`--table apis`: one row per API instead);
//! - Markdown: the vocabulary, a table of the generic entries, one of the APIs and one
//!   of the per-API entries.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use lark_errors::catalog::{self, Api};
use lark_errors::{Action, Category, Entry, TokenKind};
use serde::Serialize;

use crate::Status;
use crate::output;

/// Export the catalog.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The format to write.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT")]
    format: Format,
    /// Write to FILE instead of stdout (`-` is stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// With `--format csv`: the table to write, the entries (generic, then per-API) or
    /// the APIs (JSON and Markdown hold both).
    #[arg(long, value_enum, value_name = "TABLE", default_value_t = Table::Entries)]
    table: Table,
}

/// A CSV table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Table {
    /// Every entry, generic then per-API, one row each.
    Entries,
    /// Every API, one row each.
    Apis,
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One JSON document (see schemas/entry.schema.json).
    Json,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A Markdown page with one table.
    Markdown,
}

/// Runs `larkerr export`.
pub fn run(args: &Args) -> io::Result<Status> {
    if args.table != Table::Entries && args.format != Format::Csv {
        output::error("--table applies to --format csv only (JSON and Markdown hold every table)");
        return Ok(Status::Usage);
    }
    let entries: Vec<&Entry> = lark_errors::entries().iter().collect();
    match args.output.as_deref() {
        Some(path) if path.as_os_str() != "-" => {
            let file = match File::create(path) {
                Ok(file) => file,
                Err(e) => {
                    output::error(format_args!("cannot write {}: {e}", path.display()));
                    return Ok(Status::Usage);
                }
            };
            let mut out = BufWriter::new(output::Named::new(file, path.display().to_string()));
            write(&mut out, args, &entries)?;
            out.flush()?;
        }
        _ => {
            let mut out = output::stdout();
            write(&mut out, args, &entries)?;
            out.flush()?;
        }
    }
    Ok(Status::Found)
}

fn write(out: &mut impl Write, args: &Args, entries: &[&Entry]) -> io::Result<()> {
    match (args.format, args.table) {
        (Format::Json, _) => {
            serde_json::to_writer_pretty(&mut *out, &Document::new(entries))?;
            writeln!(out)
        }
        (Format::Csv, Table::Entries) => {
            let all: Vec<&Entry> =
                entries.iter().copied().chain(catalog::api_entries().iter()).collect();
            write_csv(out, &all)
        }
        (Format::Csv, Table::Apis) => write_apis_csv(out, catalog::apis()),
        (Format::Markdown, _) => write_markdown(out, entries),
    }
}

/// The JSON export.
#[derive(Serialize)]
struct Document<'a> {
    generator: String,
    sources: &'static [lark_errors::catalog::Source],
    categories: Vec<Word>,
    actions: Vec<Word>,
    token_kinds: Vec<&'static str>,
    entries: &'a [&'a Entry],
    /// The API pages the per-API data comes from.
    api_sources: &'static [lark_errors::catalog::Source],
    apis: &'static [Api],
    api_entries: &'static [Entry],
}

/// A category or action with what it means.
#[derive(Serialize)]
struct Word {
    name: &'static str,
    description: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    retryable: Option<bool>,
}

impl<'a> Document<'a> {
    fn new(entries: &'a [&'a Entry]) -> Document<'a> {
        Document {
            generator: format!("larkerr {}", env!("CARGO_PKG_VERSION")),
            sources: lark_errors::sources(),
            categories: Category::ALL
                .iter()
                .map(|c| Word { name: c.as_str(), description: c.describe(), retryable: None })
                .collect(),
            actions: Action::ALL
                .iter()
                .map(|a| Word {
                    name: a.as_str(),
                    description: a.describe(),
                    retryable: Some(a.is_retryable()),
                })
                .collect(),
            token_kinds: TokenKind::ALL.iter().map(|t| t.as_str()).collect(),
            entries,
            api_sources: catalog::api_pages(),
            apis: catalog::apis(),
            api_entries: catalog::api_entries(),
        }
    }
}

/// The CSV columns, in order (the last four, added with the API pages, are empty for
/// generic entries).
pub const CSV_HEADER: [&str; 18] = [
    "code",
    "message",
    "placeholders",
    "category",
    "action",
    "retryable",
    "token",
    "http_status",
    "advice_zh",
    "advice_en",
    "links",
    "reason",
    "source_file",
    "source_line",
    "api_method",
    "api_path",
    "api_title",
    "parent_code",
];

/// Writes entries as RFC 4180 CSV: a header row ([`CSV_HEADER`]), one row per entry,
/// CRLF line ends. Lists are space-separated (placeholders, link URLs); absent values
/// are empty fields.
pub fn write_csv(out: &mut impl Write, entries: &[&Entry]) -> io::Result<()> {
    let mut row = String::new();
    push_row(&mut row, CSV_HEADER.iter().map(|h| (*h).to_owned()));
    out.write_all(row.as_bytes())?;
    for e in entries {
        row.clear();
        let links: Vec<&str> = e.links().iter().map(|l| l.url).collect();
        push_row(
            &mut row,
            [
                e.code().to_string(),
                e.message().to_owned(),
                e.placeholders().join(" "),
                e.category().to_string(),
                e.action().to_string(),
                e.retryable().to_string(),
                e.token().map(|t| t.to_string()).unwrap_or_default(),
                e.http_status().map(|s| s.to_string()).unwrap_or_default(),
                e.advice_zh().to_owned(),
                e.advice_en().unwrap_or_default().to_owned(),
                links.join(" "),
                e.reason().to_owned(),
                e.source().file.to_owned(),
                e.line().to_string(),
                e.api().map(|a| a.method().to_string()).unwrap_or_default(),
                e.api().map(|a| a.path().to_owned()).unwrap_or_default(),
                e.api().map(|a| a.title().to_owned()).unwrap_or_default(),
                e.parent_code().map(|c| c.to_string()).unwrap_or_default(),
            ],
        );
        out.write_all(row.as_bytes())?;
    }
    Ok(())
}

/// The columns of `export --format csv --table apis`, in order.
pub const API_CSV_HEADER: [&str; 13] = [
    "method",
    "path",
    "title",
    "area",
    "url",
    "doc_url",
    "updated",
    "rate_limit",
    "app_types",
    "scopes",
    "field_scopes",
    "entries",
    "source_file",
];

/// Writes APIs as RFC 4180 CSV ([`API_CSV_HEADER`]): scopes as space-separated ids,
/// the rate limit as `1000/min, 50/s` or `special` (empty when the page gives none).
fn write_apis_csv(out: &mut impl Write, apis: &[Api]) -> io::Result<()> {
    let mut row = String::new();
    push_row(&mut row, API_CSV_HEADER.iter().map(|h| (*h).to_owned()));
    out.write_all(row.as_bytes())?;
    let ids = |scopes: &[catalog::Scope]| -> String {
        scopes.iter().map(|s| s.id()).collect::<Vec<_>>().join(" ")
    };
    for a in apis {
        row.clear();
        push_row(
            &mut row,
            [
                a.method().to_string(),
                a.path().to_owned(),
                a.title().to_owned(),
                a.area().to_owned(),
                a.url().to_owned(),
                a.doc_url().to_owned(),
                a.updated().to_owned(),
                a.rate_limit().map(|r| r.to_string()).unwrap_or_default(),
                a.app_types().iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" "),
                ids(a.scopes()),
                ids(a.field_scopes()),
                a.entries().len().to_string(),
                a.source().file.to_owned(),
            ],
        );
        out.write_all(row.as_bytes())?;
    }
    Ok(())
}

fn push_row(row: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            row.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            row.push('"');
            row.push_str(&field.replace('"', "\"\""));
            row.push('"');
        } else {
            row.push_str(&field);
        }
    }
    row.push_str("\r\n");
}

/// Writes the Markdown page: sources, the vocabulary, and one table of every entry.
fn write_markdown(out: &mut impl Write, entries: &[&Entry]) -> io::Result<()> {
    let mut codes: Vec<u32> = entries.iter().map(|e| e.code()).collect();
    codes.dedup();
    writeln!(out, "# Feishu / Lark Open Platform error codes\n")?;
    writeln!(
        out,
        "{} entries, {} distinct codes, exported by larkerr {} from:\n",
        entries.len(),
        codes.len(),
        env!("CARGO_PKG_VERSION")
    )?;
    for s in lark_errors::sources() {
        writeln!(out, "- [{}]({}) ({}, {}): `{}`", s.title, s.url, s.language, s.updated, s.file)?;
    }
    writeln!(out, "\nCategory: what went wrong.\n\n| category | meaning |\n|---|---|")?;
    for c in Category::ALL {
        writeln!(out, "| `{c}` | {} |", c.describe())?;
    }
    writeln!(out, "\nAction: what to do next.\n\n| action | meaning | retryable |\n|---|---|---|")?;
    for a in Action::ALL {
        writeln!(out, "| `{a}` | {} | {} |", a.describe(), yes_no(a.is_retryable()))?;
    }
    writeln!(out, "\n## Entries\n")?;
    writeln!(
        out,
        "| code | message | category | action | retryable | token | advice (zh) | advice (en) |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    for e in entries {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            e.code(),
            cell(e.message()),
            e.category(),
            e.action(),
            yes_no(e.retryable()),
            e.token().map_or("", TokenKind::as_str),
            cell(e.advice_zh()),
            cell(e.advice_en().unwrap_or("")),
        )?;
    }
    write_markdown_apis(out)
}

/// The Markdown sections of the platform catalog: every API, then every per-API entry.
fn write_markdown_apis(out: &mut impl Write) -> io::Result<()> {
    let apis = catalog::apis();
    let entries = catalog::api_entries();
    writeln!(
        out,
        "\n## APIs\n\n{} APIs from {} API pages.\n",
        apis.len(),
        catalog::api_pages().len()
    )?;
    writeln!(out, "| method | path | title | area | rate limit | scopes | errors |")?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for a in apis {
        let scopes: Vec<String> = a.scopes().iter().map(|s| format!("`{}`", s.id())).collect();
        writeln!(
            out,
            "| {} | `{}` | [{}]({}) | {} | {} | {} | {} |",
            a.method(),
            a.path(),
            cell(a.title()),
            a.doc_url(),
            a.area(),
            a.rate_limit().map(|r| r.to_string()).unwrap_or_default(),
            scopes.join(" "),
            a.entries().len()
        )?;
    }
    writeln!(out, "\n## Per-API entries\n\n{} entries of the API pages.\n", entries.len())?;
    writeln!(
        out,
        "| code | api | message | category | action | retryable | token | http status | advice (zh) |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
    for e in entries {
        let api = match e.api() {
            Some(a) => format!("{} `{}`", a.method(), a.path()),
            None => cell(e.source().title),
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            e.code(),
            api,
            cell(e.message()),
            e.category(),
            e.action(),
            yes_no(e.retryable()),
            e.token().map_or("", TokenKind::as_str),
            e.http_status().map(|s| s.to_string()).unwrap_or_default(),
            cell(e.advice_zh()),
        )?;
    }
    Ok(())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Text for a Markdown table cell: pipes escaped, lines joined with `<br>`.
fn cell(text: &str) -> String {
    text.lines().map(|l| l.trim_end().replace('|', "\\|")).collect::<Vec<_>>().join("<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut row = String::new();
        push_row(&mut row, ["a".into(), "b,c".into(), "say \"hi\"".into(), "x\ny".into()]);
        assert_eq!(row, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\r\n");
    }

    #[test]
    fn markdown_cells_stay_on_one_line() {
        assert_eq!(cell("a | b\n- c  \n"), "a \\| b<br>- c");
    }
}
