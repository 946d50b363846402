//! `larkerr scan [PATH...]`: which Feishu errors are in these logs, how often, since
//! when, and what to do about each.
//!
//! The detection rules are the library's ([`lark_errors::extract`]); this module reads
//! the inputs (files, directories, gzip, stdin), aggregates what the scanner reports
//! ([`report`]) and renders it ([`render`]).

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lark_errors::extract::{self, Scanner};

use crate::Status;

mod render;
mod report;

use report::Report;

/// Find Feishu / Lark error codes in logs and report them by count, category and time.
#[derive(Debug, clap::Args)]
#[command(after_long_help = long_help())]
pub struct Args {
    /// Files or directories to scan; `-` or none for stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Bucket occurrences by the timestamps in their lines and draw a sparkline per code.
    #[arg(long)]
    timeline: bool,

    /// Timeline bucket width, like 30s, 5m, 1h, 1d (default: chosen from the time span).
    #[arg(long, value_name = "WIDTH", value_parser = parse_width, requires = "timeline")]
    bucket: Option<i64>,

    /// Print one JSON document instead of the report.
    #[arg(long)]
    json: bool,

    /// List only the N most frequent codes (totals still count all).
    #[arg(long, value_name = "N")]
    top: Option<usize>,

    /// List only codes seen at least N times (totals still count all).
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_count: u64,
}

/// What `scan --help` says after the options: inputs, exit status, detection rules.
fn long_help() -> String {
    format!(
        "Reports, most frequent first: per code its count, category, action, documented \
message, most common live msgs, first and last occurrence (file:line) and, for codes \
documented more than once, which entry the live msgs resolved to; per category its \
share of the total; codes not in the catalog with a heuristic diagnosis.

Inputs: files, directories (recursively, in name order; symlinked directories and \
special files inside them are skipped), `-` or nothing for stdin. Gzip data (.gz files, \
detected by content) is decompressed. Memory stays bounded whatever the input size or \
line length.

Bad input never stops the scan: a missing or unreadable path, a broken gzip stream or a \
read error is reported once on stderr and makes the exit status 2 at the end; binary data \
(a NUL byte) is reported and the rest of that input skipped, without changing the status. \
Exit status: 0 when every input was read, whether or not codes were found; 2 otherwise.

{}",
        extract::RULES
    )
}

/// Parses a bucket width: a positive integer with unit `s`, `m`, `h`, `d` or `w`.
fn parse_width(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let unit_secs = match unit {
        "s" | "" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(format!("`{text}` is not a width (expected e.g. 30s, 5m, 1h, 1d)")),
    };
    match n.parse::<i64>() {
        Ok(n) if n > 0 && n <= 10_000 * 86_400 / unit_secs => Ok(n * unit_secs),
        _ => Err(format!("`{text}` is not a width (expected e.g. 30s, 5m, 1h, 1d)")),
    }
}

/// Reports a problem with an input once, on stderr, and records it.
fn problem(report: &mut Report, path: &str, what: String, fatal: bool) {
    crate::output::error(format_args!("scan: {path}: {what}"));
    report.problem(path, what, fatal);
}

pub fn run(args: &Args, p: crate::output::Printer) -> io::Result<Status> {
    let mut report = Report::new(args.timeline, args.bucket);
    let mut scanner = Scanner::new();
    let stdin_only = [PathBuf::from("-")];
    let paths = if args.paths.is_empty() { &stdin_only[..] } else { &args.paths[..] };
    for path in paths {
        if path.as_os_str() == "-" {
            let stdin = io::stdin();
            scan_input(&mut scanner, &mut report, "<stdin>", stdin.lock(), false);
            continue;
        }
        let label = path.display().to_string();
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(&mut scanner, &mut report, path),
            Ok(_) => scan_file(&mut scanner, &mut report, path, &label),
            Err(e) => problem(&mut report, &label, error_text(&e), true),
        }
    }
    let mut out = crate::output::stdout();
    if args.json {
        render::json(&mut out, &report, args)?;
    } else {
        render::text(&mut out, &report, args, p)?;
    }
    out.flush()?;
    Ok(if report.any_unreadable() { Status::Usage } else { Status::Found })
}

/// Scans every regular file under `dir`, depth first, each directory's entries in name
/// order (as `find | sort` lists them).
fn walk(scanner: &mut Scanner, report: &mut Report, dir: &Path) {
    let label = dir.display().to_string();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problem(report, &label, error_text(&e), true),
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => children.push(entry),
            Err(e) => problem(report, &label, error_text(&e), true),
        }
    }
    children.sort_by_key(|e| e.file_name());
    for entry in children {
        let path = entry.path();
        let label = path.display().to_string();
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(e) => {
                problem(report, &label, error_text(&e), true);
                continue;
            }
        };
        if kind.is_dir() {
            walk(scanner, report, &path);
        } else if kind.is_file() {
            scan_file(scanner, report, &path, &label);
        } else if kind.is_symlink() {
            // Follow links to files; skip links to directories (no cycles).
            match fs::metadata(&path) {
                Ok(m) if m.is_file() => scan_file(scanner, report, &path, &label),
                Ok(_) => {}
                Err(e) => problem(report, &label, error_text(&e), true),
            }
        }
    }
}

fn scan_file(scanner: &mut Scanner, report: &mut Report, path: &Path, label: &str) {
    match File::open(path) {
        Ok(file) => {
            let named_gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
            scan_input(scanner, report, label, file, named_gz);
        }
        Err(e) => problem(report, label, error_text(&e), true),
    }
}

/// Scans one input, decompressing gzip data (detected by its magic bytes).
fn scan_input<R: Read>(
    scanner: &mut Scanner,
    report: &mut Report,
    label: &str,
    mut input: R,
    named_gz: bool,
) {
    let mut head = [0u8; 2];
    let mut n = 0;
    while n < head.len() {
        match input.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                problem(report, label, error_text(&e), true);
                return;
            }
        }
    }
    let is_gz = head[..n] == [0x1f, 0x8b];
    if named_gz && !is_gz {
        problem(report, label, "broken gzip data: not in gzip format".into(), true);
        return;
    }
    let reader = io::Cursor::new(head).take(n as u64).chain(input);
    let file: Arc<str> = Arc::from(label);
    report.begin_input();
    let summary = if is_gz {
        let gz = flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(256 * 1024, reader));
        scanner.scan(gz, |hit| report.add(&file, hit))
    } else {
        scanner.scan(reader, |hit| report.add(&file, hit))
    };
    report.end_input(&summary);
    if let Some(e) = &summary.error {
        let what = if is_gz {
            format!("broken gzip data after {} bytes: {}", summary.bytes, error_text(e))
        } else {
            format!("read error after {} bytes: {}", summary.bytes, error_text(e))
        };
        problem(report, label, what, true);
    } else if let Some(at) = summary.binary_at {
        problem(report, label, format!("binary data at byte {at}: rest skipped"), false);
    }
}

/// An I/O error as a person reads it, without the `(os error N)` suffix.
fn error_text(e: &io::Error) -> String {
    crate::output::os_error_text(e)
}

#[cfg(test)]
mod tests {
    use super::parse_width;

    #[test]
    fn widths() {
        assert_eq!(parse_width("30s"), Ok(30));
        assert_eq!(parse_width("5m"), Ok(300));
        assert_eq!(parse_width("2h"), Ok(7200));
        assert_eq!(parse_width("1d"), Ok(86_400));
        assert_eq!(parse_width("90"), Ok(90));
        for bad in ["", "0m", "m", "5x", "-5m", "99999999999999999999s"] {
            assert!(parse_width(bad).is_err(), "{bad}");
        }
    }
}
