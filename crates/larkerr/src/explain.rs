//! `larkerr explain CODE...`: every entry of each code, in words, with its advice.

use std::io::{self, Write};

use lark_errors::Entry;
use lark_errors::catalog::Language;

use crate::Status;
use crate::output::{self, Settings, Tone, paint};
use crate::render;
use crate::words::{self, Lang};

/// Explain one or more error codes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Error codes, as the `code` field of a response gives them (e.g. 99991663).
    #[arg(required = true, value_name = "CODE", value_parser = parse_code, allow_negative_numbers = true)]
    codes: Vec<u32>,
    /// Language of the advice [default: en where the Lark page has English advice,
    /// else zh]. The message is shown as documented either way.
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
    /// Print a JSON array of entry objects instead.
    #[arg(long)]
    json: bool,
}

/// Parses a code argument; clap turns the error into a usage error (exit 2).
pub(crate) fn parse_code(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let shown: String = text.chars().take(40).collect();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{shown}` is not an error code (expected a non-negative integer like 99991663)"
        ));
    }
    t.parse()
        .map_err(|_| format!("`{shown}` is out of range for an error code (at most {})", u32::MAX))
}

/// Runs `larkerr explain`.
pub fn run(args: &Args) -> io::Result<Status> {
    let settings = output::settings();
    let mut out = output::stdout();
    let mut status = Status::Found;
    let mut found: Vec<&'static Entry> = Vec::new();
    for &code in &args.codes {
        let entries = lark_errors::lookup(code);
        if entries.is_empty() {
            output::error(format_args!("{code} is not a documented error code"));
            status = Status::NotFound;
        }
        found.extend(entries);
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &found)?;
        writeln!(out)?;
    } else {
        let lang = args.lang.map(Language::from);
        for (i, entry) in found.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let mut text = String::new();
            write_entry(&mut text, entry, lang, settings);
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(status)
}

/// Width of the labels of an entry's fields (`retryable`).
const LABEL_WIDTH: usize = 9;

/// Appends `  label     value`, the value wrapped under itself.
fn field(out: &mut String, label: &str, value: &[(String, Tone)], s: Settings) {
    field_at(out, label, LABEL_WIDTH, value, s);
}

/// Appends `  label     value` with labels padded to `label_width` columns, the value
/// wrapped under itself.
pub(crate) fn field_at(
    out: &mut String,
    label: &str,
    label_width: usize,
    value: &[(String, Tone)],
    s: Settings,
) {
    out.push_str("  ");
    paint(out, &format!("{label:<label_width$}"), Tone::Dim, s.color);
    out.push_str("  ");
    let col = 2 + label_width.max(render::width(label)) + 2;
    render::wrap(out, value, col, col, s.width, s.color);
}

/// A value in one tone.
pub(crate) fn text(value: impl Into<String>, tone: Tone) -> Vec<(String, Tone)> {
    vec![(value.into(), tone)]
}

/// The code and message heading an entry or diagnosis, the message wrapped under itself.
pub(crate) fn heading(out: &mut String, code: &str, message: &str, s: Settings) {
    paint(out, code, Tone::Strong, s.color);
    out.push_str("  ");
    let col = render::width(code) + 2;
    render::wrap(out, &text(message, Tone::Plain), col, col, s.width, s.color);
}

/// Appends the human form of an entry: heading, semantics, source and advice.
pub(crate) fn write_entry(out: &mut String, entry: &Entry, lang: Option<Language>, s: Settings) {
    heading(out, &entry.code().to_string(), entry.message(), s);
    let siblings = lark_errors::lookup(entry.code());
    if siblings.len() > 1 {
        let n = siblings.iter().position(|e| std::ptr::eq(e, entry)).map_or(0, |i| i + 1);
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
    let (advice, shown, note) = words::advice(entry, lang);
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
    out.push_str(&render::markdown(advice, 4, s.width, s.color));
}

/// Appends the category, action, retryable, token and known HTTP status of an entry.
fn write_semantics(out: &mut String, entry: &Entry, s: Settings) {
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
