//! `larkerr doc check FILE|DIR` and `larkerr doc diff OLD NEW`: for maintainers folding a
//! new copy of the platform's error-code page, or a new snapshot of the API pages, into
//! the catalog (see CONTRIBUTING.md).
//!
//! The library decides (`lark_errors_page::diff`); this module reads files and renders.
//! A folder is a folder of API pages: [`crate::doc_api`] handles it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use lark_errors_page::PageError;
use lark_errors_page::diff::{self, CheckReport, Diff, PageSummary, RowText, WordChange, WordOp};
use lark_errors_page::doc::Document;

use crate::Status;
use crate::output::{self, Printer, Tone};

/// Check a copy of the error-code page, or compare two copies (for maintainers).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DocCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DocCommand {
    /// Parse a copy of the page, or a folder of API pages, and report what it contains
    /// and every problem in it.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Compare two copies of the page, or two folders of API pages: codes added and
    /// removed, messages and advice changed, duplicates gained and lost (and per API:
    /// APIs added and removed, HTTP status, rate-limit tier and scope changes);
    /// formatting-only changes apart.
    #[command(
        after_help = DIFF_HELP,
        override_usage = "larkerr doc diff [--json] OLD NEW\n       larkerr doc diff [--json] --builtin NEW\n       larkerr doc diff [--json] OLD_DIR NEW_DIR"
    )]
    Diff(DiffArgs),
}

const CHECK_HELP: &str = "\
A folder is read as a folder of API pages (every `.md` file under it): the report
counts pages, request tables and APIs, error rows and codes, and lists every problem
as DIR/PAGE:LINE. A scope named without its id is only a note: nothing is lost.

Exit status: 0 when the page (or every page of the folder) parses cleanly, notes
allowed; 2 otherwise.";

const DIFF_HELP: &str = "\
Rows are paired by code; a duplicated code's rows by message, then in order.
Changes that are only whitespace, letter case or trailing punctuation (messages),
or only whitespace, a help-desk link's query string or the docs host
(open.feishu.cn / open.larksuite.com, applink.feishu.cn / applink.larksuite.com)
(advice) are listed apart as cosmetic. Advice is compared only when both pages are
in the same language; across languages only codes and messages are compared.

Both pages must parse cleanly (see `larkerr doc check`).

Two folders are compared as folders of API pages. An API is its method and path
template; pages are paired by API (a page that moved is the same API, reported as
moved), then by page path (a page whose API changed reports both). Per API it reports
codes added and removed (a sub-code with its parent), message, description and advice
changes, HTTP status changes, the rate-limit tier, and scopes and field scopes added
and removed. A folder and a file cannot be compared; --builtin is for the generic page
only (compare against the vendored folder in data/sources/). A folder holds at most
16,384 pages of at most 8 MiB, 256 MiB in all.

Exit status: 0 when the comparison ran, whether or not anything changed; 2 when a
page cannot be read or does not parse, or on bad usage.

Examples:
  larkerr doc diff data/sources/old.md data/sources/new.md
  larkerr doc diff --builtin new.md      # what does the installed catalog miss?
  larkerr doc diff data/sources/feishu-api-pages.zh.2026-01-09 new-api-pages/";

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The page, as markdown (either table style), or a folder of API pages.
    #[arg(value_name = "FILE|DIR")]
    file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// OLD and NEW pages, as markdown, or two folders of API pages; only NEW with
    /// --builtin.
    #[arg(value_names = ["OLD", "NEW"], num_args = 1..=2, required = true)]
    files: Vec<PathBuf>,
    /// Use the built-in catalog as OLD.
    #[arg(long)]
    builtin: bool,
    /// Print the differences as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args, p: Printer) -> io::Result<Status> {
    match &args.command {
        DocCommand::Check(a) => check(a, p),
        DocCommand::Diff(a) => diff_cmd(a, p),
    }
}

/// Reads a page through the page crate's size-limited reader; the error names the file.
fn read(path: &Path) -> io::Result<String> {
    lark_errors_page::read_page(path).map_err(page_error)
}

/// A page crate's read error as an I/O error whose text names the file.
pub(crate) fn page_error(e: PageError) -> io::Error {
    let kind = match &e {
        PageError::Io { error, .. } => error.kind(),
        _ => io::ErrorKind::InvalidData,
    };
    io::Error::new(kind, e.to_string())
}

/// How many problems the one line on stderr names before "and N more".
const PROBLEMS_NAMED: usize = 3;

/// The one line on stderr for a page (or folder) that does not parse cleanly: the first
/// problems with their lines (`line N: what`, `page:N: what`), how many more, and where
/// to see them all (`listed`: already printed on stdout by `doc check`).
pub(crate) fn not_clean(path: &Path, problems: &[String], listed: bool) {
    let file = path.display();
    if listed {
        let n = problems.len();
        crate::output::error(format_args!(
            "{file} does not parse cleanly: {n} problem{} (listed on stdout)",
            plural(n)
        ));
        return;
    }
    let named: Vec<String> = problems
        .iter()
        .take(PROBLEMS_NAMED)
        // The file is named once at the start: the line stays short enough not to be
        // cut (error lines are capped) even with long paths.
        .cloned()
        .collect();
    let more = problems.len().saturating_sub(PROBLEMS_NAMED);
    let more = if more > 0 { format!("; and {more} more") } else { String::new() };
    crate::output::error(format_args!(
        "{file} does not parse cleanly ({} problem{}): {}{more}; see `larkerr doc check {file}`",
        problems.len(),
        plural(problems.len()),
        named.join("; ")
    ));
}

fn check(args: &CheckArgs, p: Printer) -> io::Result<Status> {
    if args.file.is_dir() {
        return crate::doc_api::check(&args.file, args.json, p);
    }
    let text = read(&args.file)?;
    let report = diff::check(&text);
    let status = if report.is_clean() { Status::Found } else { Status::Usage };
    let failed = || {
        if !report.is_clean() {
            let problems: Vec<String> =
                report.problems.iter().map(|p| format!("line {}: {}", p.line, p.message)).collect();
            not_clean(&args.file, &problems, true);
        }
    };
    if args.json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            file: String,
            #[serde(flatten)]
            report: &'a CheckReport,
        }
        let json = Json { file: args.file.display().to_string(), report: &report };
        let mut out = output::stdout();
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        out.flush()?;
        failed();
        return Ok(status);
    }
    let mut out = output::stdout();
    let s = &report.summary;
    let file = args.file.display().to_string();
    writeln!(out, "{}", p.styled(&file, Tone::Strong))?;
    let field = |out: &mut dyn Write, name: &str, value: &str| {
        writeln!(out, "  {name:<12} {}", p.styled(value, Tone::Plain))
    };
    field(&mut out, "title", s.title.as_deref().unwrap_or("(none)"))?;
    field(&mut out, "source URL", s.source_url.as_deref().unwrap_or("(none)"))?;
    field(&mut out, "date", &s.updated.map_or("(none)".to_owned(), |d| d.to_string()))?;
    field(&mut out, "language", s.language.as_str())?;
    field(&mut out, "table style", style_name(s))?;
    field(&mut out, "rows", &s.rows.to_string())?;
    field(&mut out, "codes", &format!("{} distinct", s.distinct_codes))?;
    let dups = s.duplicated.len();
    field(&mut out, "duplicated", &format!("{dups} code{}", plural(dups)))?;
    for d in &s.duplicated {
        let lines: Vec<String> = d.lines.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "  {:<12} {} ({} rows, lines {})",
            "",
            d.code,
            d.lines.len(),
            lines.join(", ")
        )?;
    }
    let t = s.templated_messages;
    field(&mut out, "templated", &format!("{t} message{} with %v / %s", plural(t)))?;
    if report.is_clean() {
        field(&mut out, "problems", "none")?;
    } else {
        let n = report.problems.len();
        writeln!(out, "  {:<12} {}", "problems", p.styled(&n.to_string(), Tone::Removed))?;
        for problem in &report.problems {
            let line = format!("{file}:{}: {}", problem.line, problem.message);
            writeln!(out, "{}", p.styled(&line, Tone::Plain))?;
        }
    }
    out.flush()?;
    failed();
    Ok(status)
}

fn style_name(s: &PageSummary) -> &'static str {
    match s.style {
        lark_errors_page::doc::TableStyle::Bare => "bare (code | message | advice)",
        lark_errors_page::doc::TableStyle::Bordered => "bordered (| code | message | advice |)",
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A page to compare and what to call it.
struct Side {
    label: String,
    file: Option<String>,
    doc: Document,
}

/// Reads and parses a page; problems are reported in one line and make the command fail.
fn load(path: &Path) -> io::Result<Result<Side, Status>> {
    let text = read(path)?;
    let (doc, problems) = Document::parse_lenient(&text);
    if problems.is_empty() {
        let label = path.display().to_string();
        return Ok(Ok(Side { file: Some(label.clone()), label, doc }));
    }
    let problems: Vec<String> =
        problems.iter().map(|p| format!("line {}: {}", p.line, p.kind)).collect();
    not_clean(path, &problems, false);
    Ok(Err(Status::Usage))
}

fn diff_cmd(args: &DiffArgs, p: Printer) -> io::Result<Status> {
    let dirs: Vec<bool> = args.files.iter().map(|f| f.is_dir()).collect();
    match (args.builtin, args.files.as_slice(), dirs.as_slice()) {
        (false, [old, new], [true, true]) => {
            return crate::doc_api::diff(old, new, args.json, p);
        }
        (false, [old, new], [true, false] | [false, true]) => {
            let (dir, file) = if dirs[0] { (old, new) } else { (new, old) };
            return usage(&format!(
                "{} is a folder of API pages but {} is a file: compare two pages or two folders",
                dir.display(),
                file.display()
            ));
        }
        (true, [new], [true]) => {
            return usage(&format!(
                "{} is a folder: --builtin compares the generic error-code page only; \
                 for API pages give OLD_DIR NEW_DIR (the vendored folder is in data/sources/)",
                new.display()
            ));
        }
        _ => {}
    }
    let (old, new) = match (args.builtin, args.files.as_slice()) {
        (true, [new]) => {
            let source = lark_errors::sources().first().map_or("", |s| s.file);
            let old = Side {
                label: format!("built-in catalog ({source})"),
                file: None,
                doc: diff::builtin_page(),
            };
            (old, new)
        }
        (false, [old, new]) => match load(old)? {
            Ok(old) => (old, new),
            Err(status) => return Ok(status),
        },
        (true, _) => return usage("with --builtin, give only NEW"),
        (false, _) => return usage("give OLD and NEW (or --builtin NEW)"),
    };
    let new = match load(new)? {
        Ok(new) => new,
        Err(status) => return Ok(status),
    };
    let d = diff::compare(&old.doc, &new.doc);
    if args.json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            /// `null` for the built-in catalog.
            old_file: Option<&'a str>,
            new_file: Option<&'a str>,
            #[serde(flatten)]
            diff: &'a Diff,
        }
        let json = Json { old_file: old.file.as_deref(), new_file: new.file.as_deref(), diff: &d };
        let mut out = output::stdout();
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        out.flush()?;
    } else {
        let mut out = output::stdout();
        render_diff(&mut out, &old.label, &new.label, &d, p)?;
        out.flush()?;
    }
    Ok(Status::Found)
}

fn usage(msg: &str) -> io::Result<Status> {
    crate::output::error(format_args!(
        "doc diff: {msg} (usage: larkerr doc diff [--json] OLD NEW | larkerr doc diff [--json] --builtin NEW)"
    ));
    Ok(Status::Usage)
}

fn render_diff(out: &mut dyn Write, old: &str, new: &str, d: &Diff, p: Printer) -> io::Result<()> {
    page_line(out, "old", old, &d.old, p)?;
    page_line(out, "new", new, &d.new, p)?;
    if !d.advice_compared {
        writeln!(
            out,
            "\n{} the pages are in different languages ({} and {}): only codes \
             and messages are compared, not advice.",
            p.styled("note:", Tone::Warn),
            d.old.language,
            d.new.language
        )?;
    }

    if !d.added.is_empty() {
        heading(out, "added", d.added.len(), "code", p)?;
        for c in &d.added {
            for r in &c.rows {
                row(out, c.code, r, "new", Tone::Added, p)?;
            }
        }
    }
    if !d.removed.is_empty() {
        heading(out, "removed", d.removed.len(), "code", p)?;
        for c in &d.removed {
            for r in &c.rows {
                row(out, c.code, r, "old", Tone::Removed, p)?;
            }
        }
    }
    if !d.message_changed.is_empty() {
        heading(out, "message changed", d.message_changed.len(), "entry", p)?;
        for m in &d.message_changed {
            let code = m.code.to_string();
            writeln!(
                out,
                "  {}  (line {} -> {})",
                p.styled(&code, Tone::Strong),
                m.old_line,
                m.new_line
            )?;
            text(out, "-", Tone::Removed, &m.old, p)?;
            text(out, "+", Tone::Added, &m.new, p)?;
        }
    }
    if !d.advice_changed.is_empty() {
        heading(out, "advice changed", d.advice_changed.len(), "entry", p)?;
        for a in &d.advice_changed {
            let code = a.code.to_string();
            writeln!(
                out,
                "  {}  {}  (line {} -> {})",
                p.styled(&code, Tone::Strong),
                p.styled(&a.message, Tone::Plain),
                a.old_line,
                a.new_line
            )?;
            text(out, "-", Tone::Removed, &a.old, p)?;
            text(out, "+", Tone::Added, &a.new, p)?;
            write!(out, "    ~ ")?;
            words(out, &a.words, p)?;
            writeln!(out)?;
        }
    }
    for (name, list, side, tone) in [
        ("duplicates gained", &d.duplicates_gained, "new", Tone::Added),
        ("duplicates lost", &d.duplicates_lost, "old", Tone::Removed),
    ] {
        if list.is_empty() {
            continue;
        }
        heading(out, name, list.len(), "code", p)?;
        for c in list {
            let code = c.code.to_string();
            writeln!(
                out,
                "  {}  {} -> {} rows",
                p.styled(&code, Tone::Strong),
                c.old_count,
                c.new_count
            )?;
            for r in &c.rows {
                let sign = if side == "new" { "+" } else { "-" };
                let text = format!("{sign} {}", r.message);
                writeln!(out, "    {}  ({side} line {})", p.styled(&text, tone), r.line)?;
            }
        }
    }
    if !d.cosmetic.is_empty() {
        heading(out, "cosmetic only, not counted as changes", d.cosmetic.len(), "entry", p)?;
        for c in &d.cosmetic {
            let kinds: Vec<&str> = c.kinds.iter().map(|k| k.describe()).collect();
            writeln!(
                out,
                "  {}  {}: {}  (line {} -> {})",
                c.code,
                c.field.as_str(),
                kinds.join(", "),
                c.old_line,
                c.new_line
            )?;
        }
    }

    writeln!(out)?;
    if !d.has_changes() && d.cosmetic.is_empty() {
        writeln!(out, "{}", p.styled("no differences", Tone::Strong))?;
        return Ok(());
    }
    let mut parts = vec![
        format!("{} added", d.added.len()),
        format!("{} removed", d.removed.len()),
        format!("{} message{} changed", d.message_changed.len(), plural(d.message_changed.len())),
    ];
    if d.advice_compared {
        parts.push(format!("{} advice changed", d.advice_changed.len()));
    }
    let (gained, lost) = (d.duplicates_gained.len(), d.duplicates_lost.len());
    parts.push(format!("{gained} duplicate{} gained", plural(gained)));
    parts.push(format!("{lost} duplicate{} lost", plural(lost)));
    writeln!(
        out,
        "{} {}; {} cosmetic",
        p.styled("summary:", Tone::Strong),
        parts.join(", "),
        d.cosmetic.len()
    )?;
    Ok(())
}

fn page_line(
    out: &mut dyn Write,
    which: &str,
    label: &str,
    s: &PageSummary,
    p: Printer,
) -> io::Result<()> {
    writeln!(out, "{}  {}", p.styled(which, Tone::Strong), p.styled(label, Tone::Plain))?;
    let line = format!(
        "{}, {}, {}: {} rows, {} codes",
        s.title.as_deref().unwrap_or("(untitled)"),
        s.language,
        s.updated.map_or("(undated)".to_owned(), |d| d.to_string()),
        s.rows,
        s.distinct_codes
    );
    writeln!(out, "     {}", p.styled(&line, Tone::Plain))
}

pub(crate) fn heading(
    out: &mut dyn Write,
    name: &str,
    n: usize,
    unit: &str,
    p: Printer,
) -> io::Result<()> {
    let units = match (unit, n) {
        (_, 1) => unit.to_owned(),
        ("entry", _) => "entries".to_owned(),
        _ => format!("{unit}s"),
    };
    writeln!(out, "\n{} ({n} {units})", p.styled(name, Tone::Strong))
}

/// A row of an added or removed code: code, message, line, then the advice indented.
fn row(
    out: &mut dyn Write,
    code: u32,
    r: &RowText,
    side: &str,
    tone: Tone,
    p: Printer,
) -> io::Result<()> {
    let code = code.to_string();
    writeln!(
        out,
        "  {}  {}  ({side} line {})",
        p.styled(&code, tone),
        p.styled(&r.message, Tone::Plain),
        r.line
    )?;
    for line in r.advice.lines() {
        writeln!(out, "        {}", p.styled(line, Tone::Plain))?;
    }
    Ok(())
}

/// `    - text`, continuation lines indented under the text.
fn text(out: &mut dyn Write, sign: &str, tone: Tone, body: &str, p: Printer) -> io::Result<()> {
    let mut lines = body.lines();
    let first = format!("{sign} {}", lines.next().unwrap_or(""));
    writeln!(out, "    {}", p.styled(&first, tone))?;
    for line in lines {
        writeln!(out, "    {}", p.styled(&format!("  {line}"), tone))?;
    }
    Ok(())
}

/// The word diff inline: `[-removed-]{+added+}`, coloured on a terminal. Line breaks
/// inside a run continue it on an indented line.
fn words(out: &mut dyn Write, changes: &[WordChange], p: Printer) -> io::Result<()> {
    // Writes `text` in `tone`, its line breaks as a break and the indentation.
    let piece = |out: &mut dyn Write, text: &str, tone: Tone| -> io::Result<()> {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                write!(out, "\n      ")?;
            }
            write!(out, "{}", p.styled(line, tone))?;
        }
        Ok(())
    };
    for c in changes {
        // Keep the whitespace before a run outside its markers.
        let body = c.text.trim_start();
        let gap = &c.text[..c.text.len() - body.len()];
        piece(out, gap, Tone::Plain)?;
        match c.op {
            WordOp::Same => piece(out, body, Tone::Plain)?,
            WordOp::Removed => piece(out, &format!("[-{body}-]"), Tone::Removed)?,
            WordOp::Added => piece(out, &format!("{{+{body}+}}"), Tone::Added)?,
        }
    }
    Ok(())
}
