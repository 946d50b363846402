//! `larkerr doc check FILE` and `larkerr doc diff OLD NEW`: for maintainers folding a
//! new copy of the platform's error-code page into the catalog (see CONTRIBUTING.md).
//!
//! The library decides (`lark_errors_page::diff`); this module reads files and renders.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use lark_errors_page::PageError;
use lark_errors_page::diff::{self, CheckReport, Diff, PageSummary, RowText, WordChange, WordOp};
use lark_errors_page::doc::Document;

use crate::Status;

/// Check a copy of the error-code page, or compare two copies (for maintainers).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DocCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DocCommand {
    /// Parse a copy of the page and report what it contains and every problem in it.
    #[command(after_help = "Exit status: 0 when the page parses cleanly, 2 otherwise.")]
    Check(CheckArgs),
    /// Compare two copies of the page: codes added and removed, messages and advice
    /// changed, duplicates gained and lost; formatting-only changes apart.
    #[command(
        after_help = DIFF_HELP,
        override_usage = "larkerr doc diff [--json] OLD NEW\n       larkerr doc diff [--json] --builtin NEW"
    )]
    Diff(DiffArgs),
}

const DIFF_HELP: &str = "\
Rows are paired by code; a duplicated code's rows by message, then in order.
Changes that are only whitespace, letter case or trailing punctuation (messages),
or only whitespace, a help-desk link's query string or the docs host
(open.feishu.cn / open.larksuite.com, applink.feishu.cn / applink.larksuite.com)
(advice) are listed apart as cosmetic. Advice is compared only when both pages are
in the same language; across languages only codes and messages are compared.

Both pages must parse cleanly (see `larkerr doc check`).

Exit status: 0 when the comparison ran, whether or not anything changed; 2 when a
page cannot be read or does not parse, or on bad usage.

Examples:
  larkerr doc diff data/sources/old.md data/sources/new.md
  larkerr doc diff --builtin new.md      # what does the installed catalog miss?";

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The page, as markdown (either table style).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// OLD and NEW pages, as markdown; only NEW with --builtin.
    #[arg(value_names = ["OLD", "NEW"], num_args = 1..=2, required = true)]
    files: Vec<PathBuf>,
    /// Use the built-in catalog as OLD.
    #[arg(long)]
    builtin: bool,
    /// Print the differences as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> io::Result<Status> {
    match &args.command {
        DocCommand::Check(a) => check(a),
        DocCommand::Diff(a) => diff_cmd(a),
    }
}

/// Reads a page through the page crate's size-limited reader; the error names the file.
fn read(path: &Path) -> io::Result<String> {
    lark_errors_page::read_page(path).map_err(|e| {
        let kind = match &e {
            PageError::Io { error, .. } => error.kind(),
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e.to_string())
    })
}

/// How many problems the one line on stderr names before "and N more".
const PROBLEMS_NAMED: usize = 3;

/// The one line on stderr for a page that does not parse cleanly: the first problems
/// with their lines, how many more, and where to see them all (`listed`: already
/// printed on stdout by `doc check`).
fn not_clean(path: &Path, problems: &[(usize, String)], listed: bool) {
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
        .map(|(line, what)| format!("{file}:{line}: {what}"))
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

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

fn check(args: &CheckArgs) -> io::Result<Status> {
    let text = read(&args.file)?;
    let report = diff::check(&text);
    let status = if report.is_clean() { Status::Found } else { Status::Usage };
    let failed = || {
        if !report.is_clean() {
            let problems: Vec<(usize, String)> =
                report.problems.iter().map(|p| (p.line, p.message.clone())).collect();
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
        let mut out = io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        out.flush()?;
        failed();
        return Ok(status);
    }
    let mut out = anstream::stdout().lock();
    let s = &report.summary;
    let file = args.file.display();
    writeln!(out, "{BOLD}{file}{RESET}")?;
    let field =
        |out: &mut dyn Write, name: &str, value: &str| writeln!(out, "  {name:<12} {value}");
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
        field(&mut out, "problems", &format!("{RED}{n}{RESET}"))?;
        for p in &report.problems {
            writeln!(out, "{file}:{}: {}", p.line, p.message)?;
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

fn plural(n: usize) -> &'static str {
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
    let problems: Vec<(usize, String)> =
        problems.iter().map(|p| (p.line, p.kind.to_string())).collect();
    not_clean(path, &problems, false);
    Ok(Err(Status::Usage))
}

fn diff_cmd(args: &DiffArgs) -> io::Result<Status> {
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
        let mut out = io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        out.flush()?;
    } else {
        let mut out = anstream::stdout().lock();
        render_diff(&mut out, &old.label, &new.label, &d)?;
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

fn render_diff(out: &mut dyn Write, old: &str, new: &str, d: &Diff) -> io::Result<()> {
    page_line(out, "old", old, &d.old)?;
    page_line(out, "new", new, &d.new)?;
    if !d.advice_compared {
        writeln!(
            out,
            "\n{YELLOW}note:{RESET} the pages are in different languages ({} and {}): only codes \
             and messages are compared, not advice.",
            d.old.language, d.new.language
        )?;
    }

    if !d.added.is_empty() {
        heading(out, "added", d.added.len(), "code")?;
        for c in &d.added {
            for r in &c.rows {
                row(out, c.code, r, "new", GREEN)?;
            }
        }
    }
    if !d.removed.is_empty() {
        heading(out, "removed", d.removed.len(), "code")?;
        for c in &d.removed {
            for r in &c.rows {
                row(out, c.code, r, "old", RED)?;
            }
        }
    }
    if !d.message_changed.is_empty() {
        heading(out, "message changed", d.message_changed.len(), "entry")?;
        for m in &d.message_changed {
            writeln!(out, "  {BOLD}{}{RESET}  (line {} -> {})", m.code, m.old_line, m.new_line)?;
            text(out, "-", RED, &m.old)?;
            text(out, "+", GREEN, &m.new)?;
        }
    }
    if !d.advice_changed.is_empty() {
        heading(out, "advice changed", d.advice_changed.len(), "entry")?;
        for a in &d.advice_changed {
            writeln!(
                out,
                "  {BOLD}{}{RESET}  {}  (line {} -> {})",
                a.code, a.message, a.old_line, a.new_line
            )?;
            text(out, "-", RED, &a.old)?;
            text(out, "+", GREEN, &a.new)?;
            write!(out, "    ~ ")?;
            words(out, &a.words)?;
            writeln!(out)?;
        }
    }
    for (name, list, side, colour) in [
        ("duplicates gained", &d.duplicates_gained, "new", GREEN),
        ("duplicates lost", &d.duplicates_lost, "old", RED),
    ] {
        if list.is_empty() {
            continue;
        }
        heading(out, name, list.len(), "code")?;
        for c in list {
            writeln!(out, "  {BOLD}{}{RESET}  {} -> {} rows", c.code, c.old_count, c.new_count)?;
            for r in &c.rows {
                let sign = if side == "new" { "+" } else { "-" };
                writeln!(out, "    {colour}{sign} {}{RESET}  ({side} line {})", r.message, r.line)?;
            }
        }
    }
    if !d.cosmetic.is_empty() {
        heading(out, "cosmetic only, not counted as changes", d.cosmetic.len(), "entry")?;
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
        writeln!(out, "{BOLD}no differences{RESET}")?;
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
    writeln!(out, "{BOLD}summary:{RESET} {}; {} cosmetic", parts.join(", "), d.cosmetic.len())?;
    Ok(())
}

fn page_line(out: &mut dyn Write, which: &str, label: &str, s: &PageSummary) -> io::Result<()> {
    writeln!(out, "{BOLD}{which}{RESET}  {label}")?;
    writeln!(
        out,
        "     {}, {}, {}: {} rows, {} codes",
        s.title.as_deref().unwrap_or("(untitled)"),
        s.language,
        s.updated.map_or("(undated)".to_owned(), |d| d.to_string()),
        s.rows,
        s.distinct_codes
    )
}

fn heading(out: &mut dyn Write, name: &str, n: usize, unit: &str) -> io::Result<()> {
    let units = match (unit, n) {
        (_, 1) => unit.to_owned(),
        ("entry", _) => "entries".to_owned(),
        _ => format!("{unit}s"),
    };
    writeln!(out, "\n{BOLD}{name}{RESET} ({n} {units})")
}

/// A row of an added or removed code: code, message, line, then the advice indented.
fn row(out: &mut dyn Write, code: u32, r: &RowText, side: &str, colour: &str) -> io::Result<()> {
    writeln!(out, "  {colour}{BOLD}{code}{RESET}  {}  ({side} line {})", r.message, r.line)?;
    for line in r.advice.lines() {
        writeln!(out, "        {line}")?;
    }
    Ok(())
}

/// `    - text`, continuation lines indented under the text.
fn text(out: &mut dyn Write, sign: &str, colour: &str, body: &str) -> io::Result<()> {
    let mut lines = body.lines();
    writeln!(out, "    {colour}{sign} {}{RESET}", lines.next().unwrap_or(""))?;
    for line in lines {
        writeln!(out, "    {colour}  {line}{RESET}")?;
    }
    Ok(())
}

/// The word diff inline: `[-removed-]{+added+}`, coloured on a terminal.
fn words(out: &mut dyn Write, changes: &[WordChange]) -> io::Result<()> {
    for c in changes {
        // Keep the whitespace before a run outside its markers.
        let body = c.text.trim_start();
        let gap = &c.text[..c.text.len() - body.len()];
        let gap = gap.replace('\n', "\n      ");
        let body = body.replace('\n', "\n      ");
        match c.op {
            WordOp::Same => write!(out, "{gap}{body}")?,
            WordOp::Removed => write!(out, "{gap}{RED}[-{body}-]{RESET}")?,
            WordOp::Added => write!(out, "{gap}{GREEN}{{+{body}+}}{RESET}")?,
        }
    }
    Ok(())
}
