//! `larkerr doc check DIR` and `larkerr doc diff OLD_DIR NEW_DIR`: the same two
//! commands over a folder of API pages (see CONTRIBUTING.md, "Folding in a new snapshot
//! of the API pages").
//!
//! The page crate decides (`lark_errors_page::api_diff`); this module reads folders and
//! renders.

use std::io::{self, Write};
use std::path::Path;

use lark_errors_page::api::{ApiId, ApiPage, Scope};
use lark_errors_page::api_diff::{
    ApiChange, ApiDiff, ApiRowText, ApisCheckReport, ApisSummary, EntryRows, check_api_pages,
    compare_api_pages,
};
use lark_errors_page::diff::WordOp;

use crate::Status;
use crate::doc_cmd::{heading, not_clean, page_error, plural};
use crate::output::{self, Printer, Tone};

/// How many codes a line of an added or removed API names before "and N more".
const CODES_NAMED: usize = 8;

/// Reads and parses every page of a folder; the error names the folder or the file.
fn read_folder(dir: &Path) -> io::Result<Vec<ApiPage>> {
    lark_errors_page::api::read_api_pages(dir).map_err(page_error)
}

/// `larkerr doc check DIR`.
pub(crate) fn check(dir: &Path, json: bool, p: Printer) -> io::Result<Status> {
    let pages = read_folder(dir)?;
    let report = check_api_pages(&pages);
    let status = if report.is_clean() { Status::Found } else { Status::Usage };
    let errors = report.problems.iter().filter(|p| !p.note).count();
    let failed = || {
        if errors > 0 {
            let lines: Vec<String> =
                report.problems.iter().filter(|p| !p.note).map(|p| p.message.clone()).collect();
            not_clean(dir, &lines, true);
        }
    };
    let folder = dir.display().to_string();
    if json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            folder: &'a str,
            #[serde(flatten)]
            report: &'a ApisCheckReport,
        }
        let mut out = output::stdout();
        serde_json::to_writer_pretty(&mut out, &Json { folder: &folder, report: &report })?;
        writeln!(out)?;
        out.flush()?;
        failed();
        return Ok(status);
    }
    let mut out = output::stdout();
    let s = &report.summary;
    writeln!(out, "{}  (folder of API pages)", p.styled(&folder, Tone::Strong))?;
    let field = |out: &mut dyn Write, name: &str, value: &str| {
        writeln!(out, "  {name:<14} {}", p.styled(value, Tone::Plain))
    };
    field(&mut out, "pages", &s.pages.to_string())?;
    field(
        &mut out,
        "request tables",
        &format!(
            "{} ({} API{}, {} on several pages)",
            s.request_tables,
            s.apis,
            plural(s.apis),
            s.apis_on_several_pages
        ),
    )?;
    field(
        &mut out,
        "error rows",
        &format!(
            "{} on {} page{} ({} sub-code row{})",
            s.rows,
            s.pages_with_rows,
            plural(s.pages_with_rows),
            s.sub_code_rows,
            plural(s.sub_code_rows)
        ),
    )?;
    field(&mut out, "codes", &format!("{} distinct", s.distinct_codes))?;
    let notes = report.notes();
    let notes_text = format!("{notes} note{} (nothing lost)", plural(notes));
    if report.problems.is_empty() {
        field(&mut out, "problems", "none")?;
    } else if errors == 0 {
        field(&mut out, "problems", &format!("none; {notes_text}"))?;
    } else {
        let n = format!("{errors}");
        let rest = if notes > 0 { format!("; {notes_text}") } else { String::new() };
        writeln!(out, "  {:<14} {}{rest}", "problems", p.styled(&n, Tone::Removed))?;
    }
    for problem in &report.problems {
        let path = dir.join(&problem.page);
        let note = if problem.note { " (note)" } else { "" };
        let line = format!("{}:{}: {}{note}", path.display(), problem.line, problem.message);
        writeln!(out, "{}", p.styled(&line, if problem.note { Tone::Dim } else { Tone::Plain }))?;
    }
    out.flush()?;
    failed();
    Ok(status)
}

/// Reads a folder for `doc diff`: problems other than notes are reported in one line
/// and make the command fail.
fn load(dir: &Path) -> io::Result<Result<Vec<ApiPage>, Status>> {
    let pages = read_folder(dir)?;
    let report = check_api_pages(&pages);
    if report.is_clean() {
        return Ok(Ok(pages));
    }
    let problems: Vec<String> = report
        .problems
        .iter()
        .filter(|p| !p.note)
        .map(|p| format!("{}:{}: {}", p.page, p.line, p.message))
        .collect();
    not_clean(dir, &problems, false);
    Ok(Err(Status::Usage))
}

/// `larkerr doc diff OLD_DIR NEW_DIR`.
pub(crate) fn diff(old_dir: &Path, new_dir: &Path, json: bool, p: Printer) -> io::Result<Status> {
    let old = match load(old_dir)? {
        Ok(pages) => pages,
        Err(status) => return Ok(status),
    };
    let new = match load(new_dir)? {
        Ok(pages) => pages,
        Err(status) => return Ok(status),
    };
    let d = compare_api_pages(&old, &new);
    let (old_label, new_label) = (old_dir.display().to_string(), new_dir.display().to_string());
    let mut out = output::stdout();
    if json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            old_folder: &'a str,
            new_folder: &'a str,
            #[serde(flatten)]
            diff: &'a ApiDiff,
        }
        let json = Json { old_folder: &old_label, new_folder: &new_label, diff: &d };
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    } else {
        render(&mut out, &old_label, &new_label, &d, p)?;
    }
    out.flush()?;
    Ok(Status::Found)
}

fn summary_line(
    out: &mut dyn Write,
    which: &str,
    label: &str,
    s: &ApisSummary,
    p: Printer,
) -> io::Result<()> {
    writeln!(out, "{}  {}", p.styled(which, Tone::Strong), p.styled(label, Tone::Plain))?;
    let line = format!(
        "{} page{}, {} API{}, {} row{}, {} code{}",
        s.pages,
        plural(s.pages),
        s.apis,
        plural(s.apis),
        s.rows,
        plural(s.rows),
        s.distinct_codes,
        plural(s.distinct_codes)
    );
    writeln!(out, "     {}", p.styled(&line, Tone::Plain))
}

/// `230001` or `100290 (in 230099)`.
fn code_name(code: u32, parent: Option<u32>) -> String {
    match parent {
        Some(parent) => format!("{code} (in {parent})"),
        None => code.to_string(),
    }
}

/// `POST /open-apis/im/v1/messages`, or the page for a page without a request table.
fn api_name(api: Option<&ApiId>, page: &str) -> String {
    match api {
        Some(api) => api.to_string(),
        None => format!("page {page} (no request table)"),
    }
}

fn render(out: &mut dyn Write, old: &str, new: &str, d: &ApiDiff, p: Printer) -> io::Result<()> {
    summary_line(out, "old", old, &d.old, p)?;
    summary_line(out, "new", new, &d.new, p)?;

    for (name, list, sign, tone) in
        [("added", &d.added, "+", Tone::Added), ("removed", &d.removed, "-", Tone::Removed)]
    {
        if list.is_empty() {
            continue;
        }
        heading(out, &format!("APIs {name}"), list.len(), "page", p)?;
        for page in list {
            let head = format!("{sign} {}", api_name(page.api.as_ref(), &page.page));
            let title = page.title.as_deref().unwrap_or("");
            writeln!(out, "  {}  {}", p.styled(&head, tone), p.styled(title, Tone::Plain))?;
            let mut codes: Vec<String> =
                page.codes.iter().take(CODES_NAMED).map(ToString::to_string).collect();
            if page.codes.len() > CODES_NAMED {
                codes.push(format!("and {} more", page.codes.len() - CODES_NAMED));
            }
            let n = page.codes.len();
            let codes = if n == 0 { String::new() } else { format!(": {}", codes.join(", ")) };
            let line = format!("{}, {n} code{}{codes}", page.page, plural(n));
            writeln!(out, "      {}", p.styled(&line, Tone::Plain))?;
        }
    }

    if !d.changed.is_empty() {
        heading(out, "APIs changed", d.changed.len(), "API", p)?;
        for c in &d.changed {
            change(out, c, p)?;
        }
    }

    writeln!(out)?;
    if !d.has_changes() && d.cosmetic_count() == 0 {
        writeln!(out, "{}", p.styled("no differences", Tone::Strong))?;
        return Ok(());
    }
    let sum = |f: fn(&ApiChange) -> usize| d.changed.iter().map(f).sum::<usize>();
    writeln!(
        out,
        "{} APIs: {} added, {} removed, {} changed",
        p.styled("summary:", Tone::Strong),
        d.added.len(),
        d.removed.len(),
        d.changed.iter().filter(|c| c.has_changes()).count()
    )?;
    let codes = format!(
        "in changed APIs: {} code{} added, {} removed; {} message{} changed, \
         {} advice changed, {} HTTP status{} changed",
        sum(|c| c.codes_added.len()),
        plural(sum(|c| c.codes_added.len())),
        sum(|c| c.codes_removed.len()),
        sum(|c| c.message_changed.len()),
        plural(sum(|c| c.message_changed.len())),
        sum(|c| c.advice_changed.len()),
        sum(|c| c.status_changed.len()),
        if sum(|c| c.status_changed.len()) == 1 { "" } else { "es" },
    );
    writeln!(out, "  {codes}")?;
    let scopes = sum(|c| {
        c.scopes_added.len()
            + c.scopes_removed.len()
            + c.field_scopes_added.len()
            + c.field_scopes_removed.len()
    });
    let rates = sum(|c| usize::from(c.rate_limit.is_some()));
    let dups = sum(|c| c.duplicates_gained.len() + c.duplicates_lost.len());
    let moved = sum(|c| usize::from(c.moved()));
    writeln!(
        out,
        "  {rates} rate limit{} changed, {scopes} scope{} added or removed, \
         {dups} duplicate{} gained or lost, {moved} page{} moved; {} cosmetic",
        plural(rates),
        plural(scopes),
        plural(dups),
        plural(moved),
        d.cosmetic_count()
    )?;
    Ok(())
}

/// One changed API: a heading line, then one labelled block per kind of change.
fn change(out: &mut dyn Write, c: &ApiChange, p: Printer) -> io::Result<()> {
    let head = api_name(c.api.as_ref(), &c.new_page);
    let title = c.title.as_deref().unwrap_or("");
    writeln!(out, "\n{}  {}", p.styled(&head, Tone::Bold), p.styled(title, Tone::Plain))?;
    let label = |out: &mut dyn Write, name: &str, text: &str, tone: Tone| {
        writeln!(out, "  {name:<13}{}", p.styled(text, tone))
    };
    if c.moved() {
        label(out, "moved", &format!("{} -> {}", c.old_page, c.new_page), Tone::Warn)?;
    } else {
        label(out, "page", &c.new_page, Tone::Plain)?;
    }
    if let Some(api) = &c.api_changed {
        let name = |id: &Option<ApiId>| {
            id.as_ref().map_or("(no request table)".to_owned(), ApiId::to_string)
        };
        label(out, "API", &format!("{} -> {}", name(&api.old), name(&api.new)), Tone::Warn)?;
    }
    if let Some(r) = &c.rate_limit {
        let tier = |t: &Option<lark_errors_page::api::RateLimitSpec>| {
            t.map_or("(none)".to_owned(), |t| t.to_string())
        };
        label(out, "rate limit", &format!("{} -> {}", tier(&r.old), tier(&r.new)), Tone::Warn)?;
    }
    for (name, added, removed) in [
        ("scopes", &c.scopes_added, &c.scopes_removed),
        ("field scopes", &c.field_scopes_added, &c.field_scopes_removed),
    ] {
        let mut first = true;
        for (sign, list, tone) in [("+", added, Tone::Added), ("-", removed, Tone::Removed)] {
            for s in list {
                label(out, if first { name } else { "" }, &scope(sign, s), tone)?;
                first = false;
            }
        }
    }
    for (name, list, sign, tone) in [
        ("code added", &c.codes_added, "+", Tone::Added),
        ("code removed", &c.codes_removed, "-", Tone::Removed),
        ("dup gained", &c.duplicates_gained, "+", Tone::Added),
        ("dup lost", &c.duplicates_lost, "-", Tone::Removed),
    ] {
        for e in list {
            for r in &e.rows {
                label(out, name, &row(sign, e, r), tone)?;
            }
        }
    }
    for m in &c.message_changed {
        let name = m.field.as_str();
        let text =
            format!("{}  (line {} -> {})", code_name(m.code, m.parent), m.old_line, m.new_line);
        label(out, name, &text, Tone::Strong)?;
        label(out, "", &format!("- {}", m.old), Tone::Removed)?;
        label(out, "", &format!("+ {}", m.new), Tone::Added)?;
    }
    for a in &c.advice_changed {
        let text =
            format!("{}  (line {} -> {})", code_name(a.code, a.parent), a.old_line, a.new_line);
        label(out, "advice", &text, Tone::Strong)?;
        write!(out, "  {:<13}~ ", "")?;
        for w in &a.words {
            let body = w.text.trim_start();
            let gap = &w.text[..w.text.len() - body.len()];
            // Line breaks in advice are shown as `⏎` to keep one line per change.
            let gap = gap.replace('\n', " ");
            let body = body.replace('\n', "⏎");
            write!(out, "{}", p.styled(&gap, Tone::Plain))?;
            match w.op {
                WordOp::Same => write!(out, "{}", p.styled(&body, Tone::Plain))?,
                WordOp::Removed => {
                    write!(out, "{}", p.styled(&format!("[-{body}-]"), Tone::Removed))?
                }
                WordOp::Added => {
                    write!(out, "{}", p.styled(&format!("{{+{body}+}}"), Tone::Added))?
                }
            }
        }
        writeln!(out)?;
    }
    for s in &c.status_changed {
        let status = |s: Option<u16>| s.map_or("(none)".to_owned(), |s| s.to_string());
        let text = format!(
            "{}  {} -> {}  (line {} -> {})",
            code_name(s.code, s.parent),
            status(s.old),
            status(s.new),
            s.old_line,
            s.new_line
        );
        label(out, "HTTP status", &text, Tone::Warn)?;
    }
    for k in &c.cosmetic {
        let kinds: Vec<&str> = k.kinds.iter().map(|k| k.describe()).collect();
        let text = format!(
            "{} {}: {}  (line {} -> {})",
            code_name(k.code, k.parent),
            k.field.as_str(),
            kinds.join(", "),
            k.old_line,
            k.new_line
        );
        label(out, "cosmetic", &text, Tone::Dim)?;
    }
    Ok(())
}

fn scope(sign: &str, s: &Scope) -> String {
    if s.name.is_empty() {
        format!("{sign} {}", s.id)
    } else {
        format!("{sign} {} {}", s.id, s.name)
    }
}

fn row(sign: &str, e: &EntryRows, r: &ApiRowText) -> String {
    let status = r.http_status.map_or(String::new(), |s| format!("HTTP {s}, "));
    format!("{sign} {}  {}  ({status}line {})", code_name(e.code, e.parent), r.message, r.line)
}
