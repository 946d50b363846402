//! The scan report as text for a terminal, or as one JSON document.

use std::collections::HashMap;
use std::io::{self, Write};

use lark_errors::diagnose::Diagnosis;
use lark_errors::extract::Timestamp;
use lark_errors::{Action, Category};
use serde::Serialize;

use super::Args;
use super::report::{CodeStats, Position, Report};
use crate::output::{Printer, Tone};

/// Timeline columns at most, when the width is chosen automatically.
const COLUMNS: i64 = 60;
/// Width of the category bars.
const BAR: usize = 24;

/// 1234567 as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

fn share(n: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { n as f64 / total as f64 }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A horizontal bar of `fraction` of `width` cells, in eighths.
fn bar(fraction: f64, width: usize) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = (fraction.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        out.push(EIGHTHS[eighths % 8 - 1]);
    }
    if out.is_empty() && fraction > 0.0 {
        out.push('▏');
    }
    out
}

/// One character per bucket, scaled to the row's maximum; blank for zero.
fn sparkline(counts: &[u64]) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&n| {
            if n == 0 {
                ' '
            } else {
                let level = (n as f64 / max as f64 * 8.0).ceil() as usize;
                LEVELS[level.clamp(1, 8) - 1]
            }
        })
        .collect()
}

/// `30s`, `5m`, `1h`, `1d`, `1w` for a width in seconds.
pub fn width_text(secs: i64) -> String {
    for (unit, n) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs % n == 0 {
            return format!("{}{unit}", secs / n);
        }
    }
    format!("{secs}s")
}

/// The codes listed: `--min-count`, then `--top`.
fn listed<'r>(report: &'r Report, args: &Args) -> Vec<&'r CodeStats> {
    let mut codes: Vec<&CodeStats> =
        report.codes().into_iter().filter(|c| c.count >= args.min_count).collect();
    if let Some(top) = args.top {
        codes.truncate(top);
    }
    codes
}

fn position_text(p: &Position) -> String {
    match p.time {
        Some(t) => format!("{}:{} ({t})", p.file, p.line),
        None => format!("{}:{}", p.file, p.line),
    }
}

pub fn text(out: &mut impl Write, report: &Report, args: &Args, p: Printer) -> io::Result<()> {
    let total = report.total();
    let codes = report.codes();
    let not_in_catalog = codes.iter().filter(|c| !c.is_documented()).count();
    let inputs = format!(
        "{} ({}, {})",
        plural(report.inputs, "input", "inputs"),
        bytes(report.bytes),
        plural(report.lines, "line", "lines")
    );
    if total == 0 {
        writeln!(out, "No Feishu error codes in {}.", p.styled(&inputs, Tone::Plain))?;
        return problems_note(out, report, p);
    }
    write!(
        out,
        "{} of {} in {}",
        p.styled(&plural(total, "Feishu error", "Feishu errors"), Tone::Strong),
        plural(codes.len() as u64, "code", "codes"),
        p.styled(&inputs, Tone::Plain),
    )?;
    if not_in_catalog > 0 {
        write!(out, ", {}", p.styled(&format!("{not_in_catalog} not in the catalog"), Tone::Warn))?;
    }
    writeln!(out, ".")?;
    writeln!(out)?;

    writeln!(out, "{}", p.styled("By category", Tone::Strong))?;
    for t in report.categories() {
        let name = t.category.map_or("unknown", |c| c.as_str());
        let s = share(t.count, total);
        write!(
            out,
            "  {name:<20} {:>11} {:>6.1}%  {}",
            thousands(t.count),
            s * 100.0,
            p.styled(&bar(s, BAR), Tone::Code)
        )?;
        if t.not_in_catalog > 0 {
            let pad = BAR.saturating_sub(bar(s, BAR).chars().count());
            write!(
                out,
                "{:pad$}  {}",
                "",
                p.styled(
                    &format!("({} not in the catalog)", thousands(t.not_in_catalog)),
                    Tone::Dim
                )
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;

    let shown = listed(report, args);
    writeln!(out, "{}", p.styled("By code", Tone::Strong))?;
    for stats in &shown {
        code_text(out, stats, total, p)?;
    }
    let hidden = codes.len() - shown.len();
    if hidden > 0 {
        let hidden_count: u64 =
            codes.iter().filter(|c| !shown.iter().any(|s| s.code == c.code)).map(|c| c.count).sum();
        let note = format!(
            "... and {} more ({}) not listed (--top / --min-count)",
            plural(hidden as u64, "code", "codes"),
            plural(hidden_count, "occurrence", "occurrences")
        );
        writeln!(out, "  {}", p.styled(&note, Tone::Dim))?;
    }
    if report.dropped > 0 {
        let note = format!(
            "... and {} of further codes not in the catalog (more than 1000 distinct)",
            plural(report.dropped, "occurrence", "occurrences")
        );
        writeln!(out, "  {}", p.styled(&note, Tone::Dim))?;
    }

    if let Some(timeline) = &report.timeline {
        writeln!(out)?;
        timeline_text(out, report, timeline, &shown, p)?;
    }
    problems_note(out, report, p)
}

fn code_text(out: &mut impl Write, stats: &CodeStats, total: u64, p: Printer) -> io::Result<()> {
    let d = stats.diagnosis();
    let not_in_catalog = p.styled("not in the catalog", Tone::Warn);
    let kind = match (stats.is_documented(), d.category(), d.action()) {
        (true, Some(c), Some(a)) => format!("{c} · {a}"),
        (false, Some(c), Some(a)) => format!("{not_in_catalog} · heuristic: {c} · {a}"),
        _ => not_in_catalog.to_string(),
    };
    writeln!(
        out,
        "  {} {:>11} {:>6.1}%  {kind}",
        p.styled(&format!("{:<10}", stats.code), Tone::Strong),
        thousands(stats.count),
        share(stats.count, total) * 100.0
    )?;
    // Labels and their values; values are text from the logs, escaped by the printer.
    // `note`: a gap and a dim remark after the value.
    let label = |out: &mut dyn Write, name: &str, value: &str, note: Option<(&str, &str)>| {
        let name = format!("{name:<11}");
        write!(out, "    {} {}", p.styled(&name, Tone::Dim), p.styled(value, Tone::Plain))?;
        match note {
            Some((gap, note)) => writeln!(out, "{gap}{}", p.styled(note, Tone::Dim)),
            None => writeln!(out),
        }
    };
    if let Some(entry) = stats.main_entry() {
        label(out, "documented", entry.message(), None)?;
    }
    let msgs = stats.msgs();
    if let Some((msg, n)) = msgs.first() {
        let more = if msgs.len() > 1 {
            let others = msgs.len() as u64 - 1;
            format!(", {} other {}", thousands(others), if others == 1 { "msg" } else { "msgs" })
        } else {
            String::new()
        };
        let times = format!("({}{more})", plural(*n, "time", "times"));
        label(out, "live msg", msg, Some(("  ", &times)))?;
    } else {
        label(out, "live msg", "", Some(("", "none found")))?;
    }
    let entries = stats.entries();
    if entries.len() > 1 {
        let parts: Vec<String> = entries
            .iter()
            .zip(&stats.entry_counts)
            .map(|(e, n)| {
                format!("\"{}\" ({} · {}) {}", e.message(), e.category(), e.action(), thousands(*n))
            })
            .collect();
        label(out, "resolved to", &parts.join("; "), None)?;
    }
    label(out, "first", &position_text(&stats.first), None)?;
    label(out, "last", &position_text(&stats.last), None)?;
    if let (Some(a), Some(b)) = (stats.earliest, stats.latest) {
        if Some(a) != stats.first.time || Some(b) != stats.last.time {
            label(out, "time span", &format!("{a} .. {b}"), None)?;
        }
    }
    match (stats.is_documented(), d.action()) {
        (true, Some(a)) => label(out, "do", a.describe(), None)?,
        (true, None) => {}
        (false, Some(a)) => label(
            out,
            "do",
            a.describe(),
            Some((" ", &format!("(guessed from the msg: {})", d.basis))),
        )?,
        (false, None) => label(
            out,
            "do",
            "",
            Some(("", &format!("no guess: the msg says nothing known ({})", d.basis))),
        )?,
    }
    Ok(())
}

fn timeline_text(
    out: &mut impl Write,
    report: &Report,
    timeline: &super::report::Timeline,
    shown: &[&CodeStats],
    p: Printer,
) -> io::Result<()> {
    let heading = p.styled("Timeline", Tone::Strong);
    let Some(max) = timeline.max else {
        writeln!(out, "{heading}: no timestamps found in the lines with codes.")?;
        return Ok(());
    };
    let width = timeline.width(COLUMNS);
    let (start, series) = timeline.series(width);
    let columns = (max.div_euclid(width) - start + 1) as usize;
    writeln!(
        out,
        "{heading} {} .. {}, one column = {} ({columns} columns)",
        Timestamp::from_unix(start * width),
        Timestamp::from_unix(max),
        width_text(width),
    )?;
    let mut all = vec![0u64; columns];
    for counts in series.values() {
        for (a, n) in all.iter_mut().zip(counts) {
            *a += n;
        }
    }
    let empty = vec![0u64; columns];
    let row = |out: &mut dyn Write, name: &str, counts: &[u64]| {
        let max = counts.iter().copied().max().unwrap_or(0);
        let max = format!("max {} per {}", thousands(max), width_text(width));
        writeln!(
            out,
            "  {name:<10} {} {}",
            p.styled(&sparkline(counts), Tone::Code),
            p.styled(&max, Tone::Dim)
        )
    };
    row(out, "all", &all)?;
    for stats in shown {
        row(out, &stats.code.to_string(), series.get(&stats.code).unwrap_or(&empty))?;
    }
    let without: u64 = report.codes().iter().map(|c| c.without_time).sum();
    if without > 0 {
        let note = format!("{} without a timestamp", plural(without, "occurrence", "occurrences"));
        writeln!(out, "  {}", p.styled(&note, Tone::Dim))?;
    }
    Ok(())
}

fn problems_note(out: &mut impl Write, report: &Report, p: Printer) -> io::Result<()> {
    if report.problem_count > 0 {
        writeln!(out)?;
        let note = format!(
            "{} with the input, reported on stderr.",
            plural(report.problem_count, "problem", "problems")
        );
        writeln!(out, "{}", p.styled(&note, Tone::Warn))?;
    }
    Ok(())
}

/// The timeline at its display width.
struct Series {
    width: i64,
    start: i64,
    max: i64,
    columns: usize,
    series: HashMap<u32, Vec<u64>>,
}

impl Series {
    fn total(&self) -> Vec<u64> {
        let mut all = vec![0u64; self.columns];
        for counts in self.series.values() {
            for (a, n) in all.iter_mut().zip(counts) {
                *a += n;
            }
        }
        all
    }
}

/// The `scan --json` document, described by `schemas/scan.schema.json`.
#[derive(Debug, Serialize)]
pub struct ScanJson<'r> {
    /// Inputs read (files and stdin).
    inputs: u64,
    /// Bytes read (after gzip decompression).
    bytes: u64,
    /// Lines read.
    lines: u64,
    /// Occurrences of every code.
    total: u64,
    /// Distinct codes seen.
    distinct_codes: usize,
    /// Distinct codes seen that are not in the catalog.
    not_in_catalog: usize,
    /// Occurrences per category, most first.
    categories: Vec<CategoryJson>,
    /// The codes listed (after `--min-count` and `--top`), most frequent first.
    codes: Vec<CodeJson<'r>>,
    /// What `--min-count` / `--top` left out.
    not_listed: NotListed,
    /// The timeline, when `--timeline` was given.
    timeline: Option<TimelineJson>,
    /// Problems with the inputs (at most 1000 kept).
    problems: Vec<ProblemJson<'r>>,
    /// Problems with the inputs, all counted.
    problem_count: u64,
}

#[derive(Debug, Serialize)]
struct CategoryJson {
    category: Option<Category>,
    count: u64,
    share: f64,
    not_in_catalog: u64,
}

#[derive(Debug, Serialize)]
struct CodeJson<'r> {
    code: u32,
    count: u64,
    share: f64,
    known: bool,
    category: Option<Category>,
    action: Option<Action>,
    retryable: bool,
    message: Option<&'static str>,
    live_msgs: Vec<MsgJson>,
    without_msg: u64,
    first: PositionJson<'r>,
    last: PositionJson<'r>,
    earliest: Option<String>,
    latest: Option<String>,
    without_time: u64,
    entries: Vec<EntryCount>,
    /// The heuristic diagnosis, for a code not in the catalog.
    diagnosis: Option<Diagnosis>,
    /// Counts per timeline bucket, when `--timeline` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<Vec<u64>>,
}

#[derive(Debug, Serialize)]
struct MsgJson {
    msg: String,
    count: u64,
}

#[derive(Debug, Serialize)]
struct PositionJson<'r> {
    path: &'r str,
    line: u64,
    time: Option<String>,
}

impl<'r> PositionJson<'r> {
    fn of(p: &'r Position) -> PositionJson<'r> {
        PositionJson { path: &p.file, line: p.line, time: p.time.map(|t| t.to_string()) }
    }
}

#[derive(Debug, Serialize)]
struct EntryCount {
    message: &'static str,
    category: Category,
    action: Action,
    count: u64,
}

#[derive(Debug, Serialize)]
struct NotListed {
    codes: usize,
    count: u64,
}

#[derive(Debug, Serialize)]
struct TimelineJson {
    bucket_seconds: Option<i64>,
    start: Option<String>,
    end: Option<String>,
    buckets: usize,
    total: Vec<u64>,
    without_time: u64,
}

#[derive(Debug, Serialize)]
struct ProblemJson<'r> {
    path: &'r str,
    problem: &'r str,
    unreadable: bool,
}

impl<'r> ScanJson<'r> {
    /// The document for `report` as `args` list it.
    pub fn new(report: &'r Report, args: &Args) -> ScanJson<'r> {
        let total = report.total();
        let shown = listed(report, args);
        let all_codes = report.codes();
        let series = report.timeline.as_ref().and_then(|t| {
            let max = t.max?;
            let width = t.width(COLUMNS);
            let (start, series) = t.series(width);
            let columns = (max.div_euclid(width) - start + 1) as usize;
            Some(Series { width, start, max, columns, series })
        });
        let codes = shown
            .iter()
            .map(|stats| {
                let d = stats.diagnosis();
                let entries = match stats.entries() {
                    [only] => vec![EntryCount {
                        message: only.message(),
                        category: only.category(),
                        action: only.action(),
                        count: stats.count,
                    }],
                    many => many
                        .iter()
                        .zip(&stats.entry_counts)
                        .map(|(e, &count)| EntryCount {
                            message: e.message(),
                            category: e.category(),
                            action: e.action(),
                            count,
                        })
                        .collect(),
                };
                CodeJson {
                    code: stats.code,
                    count: stats.count,
                    share: share(stats.count, total),
                    known: stats.is_documented(),
                    category: d.category(),
                    action: d.action(),
                    retryable: d.retryable(),
                    message: stats.main_entry().map(|e| e.message()),
                    live_msgs: stats
                        .msgs()
                        .into_iter()
                        .map(|(msg, count)| MsgJson { msg, count })
                        .collect(),
                    without_msg: stats.without_msg,
                    first: PositionJson::of(&stats.first),
                    last: PositionJson::of(&stats.last),
                    earliest: stats.earliest.map(|t| t.to_string()),
                    latest: stats.latest.map(|t| t.to_string()),
                    without_time: stats.without_time,
                    entries,
                    diagnosis: (!stats.is_documented()).then_some(d),
                    timeline: series.as_ref().map(|t| {
                        t.series.get(&stats.code).cloned().unwrap_or_else(|| vec![0; t.columns])
                    }),
                }
            })
            .collect();
        let categories = report
            .categories()
            .iter()
            .map(|t| CategoryJson {
                category: t.category,
                count: t.count,
                share: share(t.count, total),
                not_in_catalog: t.not_in_catalog,
            })
            .collect();
        let hidden: Vec<&&CodeStats> =
            all_codes.iter().filter(|c| !shown.iter().any(|s| s.code == c.code)).collect();
        let without_time: u64 = all_codes.iter().map(|c| c.without_time).sum();
        let timeline = report.timeline.as_ref().map(|_| match &series {
            None => TimelineJson {
                bucket_seconds: None,
                start: None,
                end: None,
                buckets: 0,
                total: Vec::new(),
                without_time,
            },
            Some(t) => TimelineJson {
                bucket_seconds: Some(t.width),
                start: Some(Timestamp::from_unix(t.start * t.width).to_string()),
                end: Some(Timestamp::from_unix(t.max).to_string()),
                buckets: t.columns,
                total: t.total(),
                without_time,
            },
        });
        ScanJson {
            inputs: report.inputs,
            bytes: report.bytes,
            lines: report.lines,
            total,
            distinct_codes: all_codes.len(),
            not_in_catalog: all_codes.iter().filter(|c| !c.is_documented()).count(),
            categories,
            codes,
            not_listed: NotListed {
                codes: hidden.len(),
                count: hidden.iter().map(|c| c.count).sum::<u64>() + report.dropped,
            },
            timeline,
            problems: report
                .problems
                .iter()
                .map(|p| ProblemJson { path: &p.path, problem: &p.what, unreadable: p.unreadable })
                .collect(),
            problem_count: report.problem_count,
        }
    }
}

/// Writes the report as one JSON document ([`ScanJson`]).
pub fn json(out: &mut impl Write, report: &Report, args: &Args) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &ScanJson::new(report, args))?;
    writeln!(out)
}
