//! The scan report as text for a terminal, or as one JSON document.

use std::collections::HashMap;
use std::io::{self, Write};

use lark_errors::extract::Timestamp;
use serde_json::{Value, json};

use super::Args;
use super::report::{CodeStats, Position, Report, category_action};

/// Timeline columns at most, when the width is chosen automatically.
const COLUMNS: i64 = 60;
/// Width of the category bars.
const BAR: usize = 24;

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

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

pub fn text(out: &mut impl Write, report: &Report, args: &Args) -> io::Result<()> {
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
        writeln!(out, "No Feishu error codes in {inputs}.")?;
        return problems_note(out, report);
    }
    write!(
        out,
        "{BOLD}{}{RESET} of {} in {inputs}",
        plural(total, "Feishu error", "Feishu errors"),
        plural(codes.len() as u64, "code", "codes"),
    )?;
    if not_in_catalog > 0 {
        write!(out, ", {YELLOW}{not_in_catalog} not in the catalog{RESET}")?;
    }
    writeln!(out, ".")?;
    writeln!(out)?;

    writeln!(out, "{BOLD}By category{RESET}")?;
    for t in report.categories() {
        let name = t.category.map_or("unknown", |c| c.as_str());
        let s = share(t.count, total);
        write!(
            out,
            "  {name:<20} {:>11} {:>6.1}%  {CYAN}{}{RESET}",
            thousands(t.count),
            s * 100.0,
            bar(s, BAR)
        )?;
        if t.not_in_catalog > 0 {
            let pad = BAR.saturating_sub(bar(s, BAR).chars().count());
            write!(
                out,
                "{:pad$}  {DIM}({} not in the catalog){RESET}",
                "",
                thousands(t.not_in_catalog)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;

    let shown = listed(report, args);
    writeln!(out, "{BOLD}By code{RESET}")?;
    for stats in &shown {
        code_text(out, stats, total)?;
    }
    let hidden = codes.len() - shown.len();
    if hidden > 0 {
        let hidden_count: u64 =
            codes.iter().filter(|c| !shown.iter().any(|s| s.code == c.code)).map(|c| c.count).sum();
        writeln!(
            out,
            "  {DIM}... and {} more ({}) not listed (--top / --min-count){RESET}",
            plural(hidden as u64, "code", "codes"),
            plural(hidden_count, "occurrence", "occurrences")
        )?;
    }
    if report.dropped > 0 {
        writeln!(
            out,
            "  {DIM}... and {} of further codes not in the catalog (more than 1000 distinct){RESET}",
            plural(report.dropped, "occurrence", "occurrences")
        )?;
    }

    if let Some(timeline) = &report.timeline {
        writeln!(out)?;
        timeline_text(out, report, timeline, &shown)?;
    }
    problems_note(out, report)
}

fn code_text(out: &mut impl Write, stats: &CodeStats, total: u64) -> io::Result<()> {
    let (category, action, _) = category_action(stats);
    let kind = match (stats.is_documented(), category, action) {
        (true, Some(c), Some(a)) => format!("{c} · {a}"),
        (false, Some(c), Some(a)) => {
            format!("{YELLOW}not in the catalog{RESET} · heuristic: {c} · {a}")
        }
        _ => format!("{YELLOW}not in the catalog{RESET}"),
    };
    writeln!(
        out,
        "  {BOLD}{:<10}{RESET} {:>11} {:>6.1}%  {kind}",
        stats.code,
        thousands(stats.count),
        share(stats.count, total) * 100.0
    )?;
    let label = |out: &mut dyn Write, name: &str, text: &str| {
        writeln!(out, "    {DIM}{name:<11}{RESET} {text}")
    };
    if let Some(entry) = stats.main_entry() {
        label(out, "documented", entry.message())?;
    }
    let msgs = stats.msgs();
    if let Some((msg, n)) = msgs.first() {
        let more = if msgs.len() > 1 {
            let others = msgs.len() as u64 - 1;
            format!(", {} other {}", thousands(others), if others == 1 { "msg" } else { "msgs" })
        } else {
            String::new()
        };
        label(
            out,
            "live msg",
            &format!("{msg}  {DIM}({}{more}){RESET}", plural(*n, "time", "times")),
        )?;
    } else {
        label(out, "live msg", &format!("{DIM}none found{RESET}"))?;
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
        label(out, "resolved to", &parts.join("; "))?;
    }
    label(out, "first", &position_text(&stats.first))?;
    label(out, "last", &position_text(&stats.last))?;
    if let (Some(a), Some(b)) = (stats.earliest, stats.latest) {
        if Some(a) != stats.first.time || Some(b) != stats.last.time {
            label(out, "time span", &format!("{a} .. {b}"))?;
        }
    }
    match (stats.main_entry(), stats.diagnosis()) {
        (Some(entry), _) => label(out, "do", entry.action().describe())?,
        (None, Some(d)) => match d.action() {
            Some(a) => label(
                out,
                "do",
                &format!("{} {DIM}(guessed from the msg: {}){RESET}", a.describe(), d.basis),
            )?,
            None => label(
                out,
                "do",
                &format!("{DIM}no guess: the msg says nothing known ({}){RESET}", d.basis),
            )?,
        },
        (None, None) => {}
    }
    Ok(())
}

fn timeline_text(
    out: &mut impl Write,
    report: &Report,
    timeline: &super::report::Timeline,
    shown: &[&CodeStats],
) -> io::Result<()> {
    let Some(max) = timeline.max else {
        writeln!(out, "{BOLD}Timeline{RESET}: no timestamps found in the lines with codes.")?;
        return Ok(());
    };
    let width = timeline.width(COLUMNS);
    let (start, series) = timeline.series(width);
    let columns = (max.div_euclid(width) - start + 1) as usize;
    writeln!(
        out,
        "{BOLD}Timeline{RESET} {} .. {}, one column = {} ({columns} columns)",
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
        writeln!(
            out,
            "  {name:<10} {CYAN}{}{RESET} {DIM}max {} per {}{RESET}",
            sparkline(counts),
            thousands(max),
            width_text(width)
        )
    };
    row(out, "all", &all)?;
    for stats in shown {
        row(out, &stats.code.to_string(), series.get(&stats.code).unwrap_or(&empty))?;
    }
    let without: u64 = report.codes().iter().map(|c| c.without_time).sum();
    if without > 0 {
        writeln!(
            out,
            "  {DIM}{} without a timestamp{RESET}",
            plural(without, "occurrence", "occurrences")
        )?;
    }
    Ok(())
}

fn problems_note(out: &mut impl Write, report: &Report) -> io::Result<()> {
    if report.problem_count > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "{YELLOW}{} with the input, reported on stderr.{RESET}",
            plural(report.problem_count, "problem", "problems")
        )?;
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

fn position_json(p: &Position) -> Value {
    json!({
        "path": &*p.file,
        "line": p.line,
        "time": p.time.map(|t| t.to_string()),
    })
}

pub fn json(out: &mut impl Write, report: &Report, args: &Args) -> io::Result<()> {
    let total = report.total();
    let shown = listed(report, args);
    let all_codes = report.codes();
    let timeline = report.timeline.as_ref().and_then(|t| {
        let max = t.max?;
        let width = t.width(COLUMNS);
        let (start, series) = t.series(width);
        let columns = (max.div_euclid(width) - start + 1) as usize;
        Some(Series { width, start, max, columns, series })
    });
    let codes: Vec<Value> = shown
        .iter()
        .map(|stats| {
            let (category, action, retryable) = category_action(stats);
            let entries: Vec<Value> = match stats.entries() {
                [] => Vec::new(),
                [only] => vec![json!({
                    "message": only.message(),
                    "category": only.category(),
                    "action": only.action(),
                    "count": stats.count,
                })],
                many => many
                    .iter()
                    .zip(&stats.entry_counts)
                    .map(|(e, n)| {
                        json!({
                            "message": e.message(),
                            "category": e.category(),
                            "action": e.action(),
                            "count": n,
                        })
                    })
                    .collect(),
            };
            let msgs: Vec<Value> = stats
                .msgs()
                .into_iter()
                .map(|(msg, count)| json!({"msg": msg, "count": count}))
                .collect();
            let mut value = json!({
                "code": stats.code,
                "count": stats.count,
                "share": share(stats.count, total),
                "known": stats.is_documented(),
                "category": category,
                "action": action,
                "retryable": retryable,
                "message": stats.main_entry().map(|e| e.message()),
                "live_msgs": msgs,
                "without_msg": stats.without_msg,
                "first": position_json(&stats.first),
                "last": position_json(&stats.last),
                "earliest": stats.earliest.map(|t| t.to_string()),
                "latest": stats.latest.map(|t| t.to_string()),
                "without_time": stats.without_time,
                "entries": entries,
                "diagnosis": stats.diagnosis(),
            });
            if let Some(t) = &timeline {
                let counts = t.series.get(&stats.code).cloned();
                value["timeline"] = json!(counts.unwrap_or_else(|| vec![0u64; t.columns]));
            }
            value
        })
        .collect();
    let categories: Vec<Value> = report
        .categories()
        .iter()
        .map(|t| {
            json!({
                "category": t.category,
                "count": t.count,
                "share": share(t.count, total),
                "not_in_catalog": t.not_in_catalog,
            })
        })
        .collect();
    let hidden: Vec<&&CodeStats> =
        all_codes.iter().filter(|c| !shown.iter().any(|s| s.code == c.code)).collect();
    let without_time: u64 = all_codes.iter().map(|c| c.without_time).sum();
    let timeline_json = match (&report.timeline, &timeline) {
        (None, _) => Value::Null,
        (Some(_), None) => json!({
            "bucket_seconds": null,
            "start": null,
            "end": null,
            "buckets": 0,
            "total": [],
            "without_time": without_time,
        }),
        (Some(_), Some(t)) => json!({
            "bucket_seconds": t.width,
            "start": Timestamp::from_unix(t.start * t.width).to_string(),
            "end": Timestamp::from_unix(t.max).to_string(),
            "buckets": t.columns,
            "total": t.total(),
            "without_time": without_time,
        }),
    };
    let problems: Vec<Value> = report
        .problems
        .iter()
        .map(|p| json!({"path": p.path, "problem": p.what, "unreadable": p.unreadable}))
        .collect();
    let doc = json!({
        "inputs": report.inputs,
        "bytes": report.bytes,
        "lines": report.lines,
        "total": total,
        "distinct_codes": all_codes.len(),
        "not_in_catalog": all_codes.iter().filter(|c| !c.is_documented()).count(),
        "categories": categories,
        "codes": codes,
        "not_listed": {
            "codes": hidden.len(),
            "count": hidden.iter().map(|c| c.count).sum::<u64>() + report.dropped,
        },
        "timeline": timeline_json,
        "problems": problems,
        "problem_count": report.problem_count,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
