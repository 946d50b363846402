//! `larkerr classify [FILE|-]`: a real response, diagnosed by the library and told in
//! words.
//!
//! The input is a JSON response body, or a raw HTTP response as `curl -i` prints it
//! (see [`crate::http`] for how the two are told apart). `--status` and `--header` add
//! what a bare body lacks and take precedence over a raw response's own.

use std::io::{self, Write};
use std::path::PathBuf;

use lark_errors::catalog::Language;
use lark_errors::diagnose::{Basis, Diagnosis, diagnose};
use lark_errors::template::MatchQuality;
use lark_errors::{Action, Entry};

use crate::Status;
use crate::explain::{field_at, heading, text};
use crate::output::{self, Settings, Tone};
use crate::words::{self, Lang};
use crate::{http, input, render};

/// Diagnose a response.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response: a JSON body or `curl -i` output; stdin when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The HTTP status, when the input is only a body (overrides a raw response's).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(100..=599))]
    status: Option<u16>,
    /// A response header, `Name: value`; repeatable. Overrides a raw response's.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// Language of the advice [default: en where there is English advice, else zh].
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
    /// Print the diagnosis object (the README's JSON names) as JSON instead.
    #[arg(long)]
    json: bool,
}

/// Parses `Name: value`.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let shown: String = text.chars().take(60).collect();
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("`{shown}` is not a header (expected `Name: value`)"))?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("`{shown}` has no header name (expected `Name: value`)"));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

/// Runs `larkerr classify`.
pub fn run(args: &Args) -> io::Result<Status> {
    let text = match input::read_text(args.file.as_deref()) {
        Ok(text) => text,
        Err(e) => {
            output::error(e);
            return Ok(Status::Usage);
        }
    };
    let mut headers = args.headers.clone();
    let (status, body) = if http::looks_raw(&text) {
        match http::parse(&text) {
            Ok(raw) => {
                headers.extend(raw.headers.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())));
                (Some(raw.status), raw.body)
            }
            Err(e) => {
                output::error(e);
                return Ok(Status::Usage);
            }
        }
    } else {
        (None, text.as_str())
    };
    let d = diagnose(args.status.or(status), &headers, body.as_bytes());
    if d.basis == Basis::Unknown {
        if let Some(why) = &d.parse_error {
            output::error(format_args!(
                "cannot diagnose the input: {why} (give a JSON response body, `curl -i` output, or --status)"
            ));
            return Ok(Status::Usage);
        }
    }
    let mut out = output::stdout();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &d)?;
        writeln!(out)?;
    } else {
        let mut text = String::new();
        write_diagnosis(&mut text, &d, args.lang.map(Language::from), output::settings());
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    Ok(if d.basis == Basis::Unknown { Status::NotFound } else { Status::Found })
}

/// Width of the diagnosis labels (`missing scopes`, `troubleshooter`).
const LABEL: usize = 14;

fn line(out: &mut String, label: &str, value: &[(String, Tone)], s: Settings) {
    field_at(out, label, LABEL, value, s);
}

/// Appends the diagnosis in words.
fn write_diagnosis(out: &mut String, d: &Diagnosis, lang: Option<Language>, s: Settings) {
    let code = d.code.map_or_else(|| "no code".to_owned(), |c| c.to_string());
    heading(out, &code, d.message.as_deref().unwrap_or("(no message)"), s);
    let basis = words::basis(d.basis);
    match d.category() {
        Some(category) => {
            let mut value = words::category(category);
            value.push((format!("; {basis}"), Tone::Plain));
            line(out, "what happened", &value, s);
        }
        None => line(out, "what happened", &text(basis, Tone::Plain), s),
    }
    if let Some(entry) = d.entry {
        line(out, "documented", &documented(entry, d.match_quality), s);
    }
    if let Some(action) = d.action() {
        line(
            out,
            "what to do",
            &[(words::action(action, d.token()), Tone::Act), (format!(" ({action})"), Tone::Dim)],
            s,
        );
        let tone = if action.is_retryable() { Tone::Plain } else { Tone::Warn };
        line(out, "retryable", &text(words::retryable(action), tone), s);
    }
    if let Some(secs) = d.retry_after_secs {
        let unit = if secs == 1 { "second" } else { "seconds" };
        line(out, "wait", &text(format!("{secs} {unit}, then retry"), Tone::Act), s);
    } else if d.action() == Some(Action::WaitAndRetry) {
        line(
            out,
            "wait",
            &text(
                "no x-ogw-ratelimit-reset header: back off exponentially, with jitter",
                Tone::Plain,
            ),
            s,
        );
    }
    if let Some(limit) = d.rate_limit {
        line(out, "rate limit", &text(format!("{limit} requests per window"), Tone::Plain), s);
    }
    if let Some(token) = d.token() {
        line(out, "token", &text(token.to_string(), Tone::Plain), s);
    }
    write_scopes(out, d, s);
    for v in &d.field_violations {
        let mut value = vec![(v.field.clone(), Tone::Strong)];
        if let Some(description) = &v.description {
            value.push((format!(": {description}"), Tone::Plain));
        }
        if let Some(sent) = &v.value {
            value.push((format!(" (sent: {sent})"), Tone::Dim));
        }
        line(out, "field error", &value, s);
    }
    if let Some(status) = d.http_status {
        line(out, "http status", &text(status.to_string(), Tone::Plain), s);
    }
    if let Some(log_id) = &d.log_id {
        line(out, "log_id", &text(log_id.clone(), Tone::Plain), s);
    }
    if let Some(troubleshooter) = &d.troubleshooter {
        line(out, "troubleshooter", &text(troubleshooter.clone(), Tone::Url), s);
    }
    if d.missing_scopes.is_empty() {
        for help in &d.helps {
            line(out, "help", &help_value(&help.url, help.description.as_deref()), s);
        }
    }
    if let Some(why) = &d.parse_error {
        line(out, "body", &text(why.to_string(), Tone::Warn), s);
    }
    if let Some(entry) = d.entry {
        let (advice, shown, note) = words::advice(entry, lang);
        let mut label = vec![(format!("({shown})"), Tone::Dim)];
        if let Some(note) = note {
            label.push((format!(" {note}"), Tone::Dim));
        }
        line(out, "advice", &label, s);
        out.push_str(&render::markdown(advice, 4, s.width, s.color));
    }
}

/// The entry the live message resolved to, and how well it matched.
fn documented(entry: &Entry, quality: Option<MatchQuality>) -> Vec<(String, Tone)> {
    let how = match quality {
        Some(MatchQuality::Exact) => "the live message matches it",
        Some(MatchQuality::Prefix) => "the live message starts with it",
        Some(MatchQuality::Contains) => "the live message contains it",
        _ => "the live message does not match it; the code's first entry",
    };
    vec![(entry.message().to_owned(), Tone::Plain), (format!(" ({how})"), Tone::Dim)]
}

fn help_value(url: &str, description: Option<&str>) -> Vec<(String, Tone)> {
    let mut value = vec![(url.to_owned(), Tone::Url)];
    if let Some(description) = description.filter(|d| !d.trim().is_empty()) {
        value.push((format!(" ({description})"), Tone::Dim));
    }
    value
}

/// The missing scopes, and where to request them: the response's own help links,
/// else the developer console.
fn write_scopes(out: &mut String, d: &Diagnosis, s: Settings) {
    if d.missing_scopes.is_empty() {
        return;
    }
    line(out, "missing scopes", &text(d.missing_scopes.join(", "), Tone::Strong), s);
    if d.helps.is_empty() {
        line(
            out,
            "request them",
            &text(
                "in the developer console (https://open.feishu.cn/app, Lark: \
                 https://open.larksuite.com/app): your app, Permissions & Scopes; \
                 then release a new version",
                Tone::Plain,
            ),
            s,
        );
    }
    for help in &d.helps {
        line(out, "request them", &help_value(&help.url, help.description.as_deref()), s);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_header;

    #[test]
    fn headers_need_a_name_and_a_colon() {
        assert_eq!(parse_header("X-Tt-Logid: abc").unwrap(), ("X-Tt-Logid".into(), "abc".into()));
        assert_eq!(parse_header("a:").unwrap(), ("a".into(), String::new()));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": v").is_err());
        assert!(parse_header("two words: v").is_err());
    }
}
