//! `larkerr classify [FILE|-]`: a real response, diagnosed by the library and told in
//! words.
//!
//! The input is a JSON response body, a raw HTTP response as `curl -i` prints it (see
//! [`crate::http`] for how the two are told apart), a `curl -v` transcript or a log
//! line holding the request and the response (see [`crate::request`]). `--status` and
//! `--header` add what a bare body lacks and take precedence over the input's own;
//! `--api` names the request (over a transcript's or a log line's), so that the
//! library's [`Diagnoser`] reads the API's own entry, rate limit and scopes.

use std::io::{self, Write};
use std::path::PathBuf;

use lark_errors::catalog::{Api, Language, Layer, Method};
use lark_errors::diagnose::{Basis, Diagnoser, Diagnosis};
use lark_errors::template::MatchQuality;
use lark_errors::{Action, Entry, platform};

use crate::Status;
use crate::explain::{field_at, heading, semantics_line, text};
use crate::output::{self, Printer, Tone};
use crate::words::{self, Lang};
use crate::{http, input, render, request};

/// Diagnose a response.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response: a JSON body, `curl -i` output, a `curl -v` transcript (`2>&1`)
    /// or a log line holding the request and the response (an SDK's error line, a
    /// JSON record with `path` or `url` and the body); stdin when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The request, `METHOD URL` (any host or a bare path; query allowed): the API's
    /// own entry decides, with its documented rate limit and scopes. Overrides the
    /// request of a transcript or log line.
    #[arg(long, value_name = "METHOD URL", value_parser = crate::request::parse_api)]
    api: Option<&'static Api>,
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

/// Parses `Name: value` by the rule of every header the command line reads
/// ([`http::header_line`]).
fn parse_header(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = http::header_line(text) else {
        let shown = crate::render::truncate(text, 60);
        let why = if text.contains(':') { "has no header name" } else { "is not a header" };
        return Err(format!("`{shown}` {why} (expected `Name: value`)"));
    };
    Ok((name.to_owned(), value.to_owned()))
}

/// Runs `larkerr classify`.
pub fn run(args: &Args, p: Printer) -> io::Result<Status> {
    // A status or headers are evidence enough: an empty body is a body too.
    let allow_empty = args.status.is_some() || !args.headers.is_empty();
    let text = match input::read_text(args.file.as_deref(), allow_empty) {
        Ok(text) => text,
        Err(e) => {
            output::error(e);
            return Ok(Status::Usage);
        }
    };
    let mut headers = args.headers.clone();
    // The request, where the input gives one: method (if any) and URL.
    let mut sent: Option<(Option<Method>, String)> = None;
    let (status, body) = if request::looks_curl_verbose(&text) {
        match request::parse_curl_verbose(&text) {
            Some(x) if x.status.is_some() || !x.body.is_empty() => {
                headers.extend(x.headers);
                sent = Some((x.method, x.url));
                (x.status, x.body)
            }
            _ => {
                output::error(
                    "the `curl -v` transcript has no response (no `< HTTP/...` status line \
                     and no body): give curl's stderr and stdout together (`2>&1`)",
                );
                return Ok(Status::Usage);
            }
        }
    } else if http::looks_raw(&text) {
        match http::parse(&text) {
            Ok(raw) => {
                headers.extend(raw.headers.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())));
                (Some(raw.status), raw.body.to_owned())
            }
            Err(e) => {
                output::error(e);
                return Ok(Status::Usage);
            }
        }
    } else if let Some(x) = one_line(&text).and_then(request::parse_log_line) {
        sent = Some((x.method, x.url));
        (x.status, x.body)
    } else {
        (None, text.clone())
    };
    let diagnoser = match (args.api, &sent) {
        (Some(api), _) => Diagnoser::new().api(Some(api)),
        (None, Some((method, url))) => {
            Diagnoser::new().request(method.map_or("", Method::as_str), url)
        }
        (None, None) => Diagnoser::new(),
    };
    let d = diagnoser.diagnose(args.status.or(status), &headers, body.as_bytes());
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
        // A request the input gave that routes to no documented API: say so.
        let unrouted = match (&sent, d.api, args.api) {
            (Some((method, url)), None, None) => Some((*method, url.as_str())),
            _ => None,
        };
        write_diagnosis(&mut text, &d, unrouted, args.lang.map(Language::from), p);
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    Ok(if d.basis == Basis::Unknown { Status::NotFound } else { Status::Found })
}

/// The input as one line, when it is one (a log line): trimmed, no other line.
fn one_line(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty() && !t.contains('\n')).then_some(t)
}

/// Width of the diagnosis labels (`missing scopes`, `troubleshooter`).
const LABEL: usize = 14;

fn line(out: &mut String, label: &str, value: &[(String, Tone)], s: Printer) {
    field_at(out, label, LABEL, value, s);
}

/// Appends the diagnosis in words; `unrouted` is a request the input gave that routes
/// to no documented API.
fn write_diagnosis(
    out: &mut String,
    d: &Diagnosis,
    unrouted: Option<(Option<Method>, &str)>,
    lang: Option<Language>,
    s: Printer,
) {
    let code = d.code.map_or_else(|| "no code".to_owned(), |c| c.to_string());
    heading(out, &code, d.message.as_deref().unwrap_or("(no message)"), s);
    if let Some(api) = d.api {
        let value =
            vec![(api.to_string(), Tone::Strong), (format!(" ({})", api.title()), Tone::Plain)];
        line(out, "api", &value, s);
    } else if let Some((method, url)) = unrouted {
        let request = match method {
            Some(m) => format!("{m} {url}"),
            None => url.to_owned(),
        };
        let value = vec![
            (render::truncate(&request, 100), Tone::Plain),
            (" (routes to no documented API)".to_owned(), Tone::Warn),
        ];
        line(out, "request", &value, s);
    }
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
        let mut value = documented(entry, d.match_quality);
        // Where the entry came from, once there is more than the generic page to say
        // it came from: the request is known, or an API page documents the code.
        if let Some(layer) = d.layer.filter(|&l| d.api.is_some() || l != Layer::Generic) {
            value.push((format!("; {}", layer_words(layer, d.api.is_some())), Tone::Dim));
        }
        line(out, "documented", &value, s);
        if d.contradicts_catalog {
            let why = "the live message says another kind of error than the documented one; \
                       the code decides here (a proxy or another service may have answered)";
            line(out, "contradicts", &text(why, Tone::Warn), s);
        }
    }
    if let Some(sub) = d.sub_entry {
        let mut value = vec![(format!("{} ", sub.code()), Tone::Strong)];
        value.push((sub.message().to_owned(), Tone::Plain));
        line(out, "sub-code", &value, s);
        line(out, "", &semantics_line(sub), s);
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
                format!(
                    "no {} header: back off exponentially, with jitter",
                    platform::header::RATELIMIT_RESET
                ),
                Tone::Plain,
            ),
            s,
        );
    }
    if let Some(limit) = d.rate_limit {
        line(out, "rate limit", &text(format!("{limit} requests per window"), Tone::Plain), s);
    }
    if let (Some(tier), Some(api)) = (d.documented_rate_limit(), d.api) {
        let value = vec![
            (tier.to_string(), Tone::Strong),
            (format!(" (documented for {api})"), Tone::Plain),
        ];
        line(out, "api rate limit", &value, s);
    }
    if let Some(token) = d.token() {
        line(out, "token", &text(token.to_string(), Tone::Plain), s);
    }
    write_scopes(out, d, s);
    match d.required_scopes() {
        [] => {}
        scopes => {
            let ids: Vec<&str> = scopes.iter().map(|sc| sc.id()).collect();
            let value = if ids.len() == 1 {
                vec![
                    (ids[0].to_owned(), Tone::Strong),
                    (" (the API's scope)".to_owned(), Tone::Dim),
                ]
            } else {
                vec![
                    (ids.join(", "), Tone::Strong),
                    (" (the API's; any one suffices)".to_owned(), Tone::Dim),
                ]
            };
            line(out, "api scopes", &value, s);
        }
    }
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
    for detail in &d.details {
        let mut value = Vec::new();
        if let Some(key) = detail.key.as_deref().filter(|k| !k.trim().is_empty()) {
            value.push((format!("{key}: "), Tone::Dim));
        }
        value.push((detail.value.clone().unwrap_or_default(), Tone::Plain));
        line(out, "detail", &value, s);
    }
    if let Some(url) = &d.challenge_url {
        line(out, "challenge", &text(url.clone(), Tone::Url), s);
    }
    if let Some(hint) = &d.hint {
        line(out, "hint", &text(hint.clone(), Tone::Plain), s);
    }
    if d.missing_scopes.is_empty() {
        for help in &d.helps {
            line(out, "help", &help_value(&help.url, help.description.as_deref()), s);
        }
    }
    if let Some(why) = &d.parse_error {
        line(out, "body", &text(why.to_string(), Tone::Warn), s);
    }
    // The advice of the entry that decides: a sub-code's says exactly what to fix.
    if let Some(entry) = d.decisive_entry() {
        let choice = entry.advice_for(lang);
        let (advice, shown, note) = (choice.text, choice.language, words::advice_note(&choice));
        let mut label = vec![(format!("({shown})"), Tone::Dim)];
        if let Some(note) = note {
            label.push((format!(" {note}"), Tone::Dim));
        }
        line(out, "advice", &label, s);
        out.push_str(&render::markdown(advice, 4, s));
    }
}

/// Where the entry came from, in words.
fn layer_words(layer: Layer, api_known: bool) -> &'static str {
    match layer {
        Layer::Api => "from the API's own page",
        Layer::Generic => "from the generic error-code page",
        Layer::AcrossApis if api_known => {
            "from another API's page (the API's own does not document the code)"
        }
        _ => "from an API page (name the request with --api for its own entry)",
    }
}

/// The entry the live message resolved to, and how well it matched.
fn documented(entry: &Entry, quality: Option<MatchQuality>) -> Vec<(String, Tone)> {
    let how = match quality {
        Some(MatchQuality::Exact) => "the live message matches it",
        Some(MatchQuality::Prefix) => "the live message starts with it",
        Some(MatchQuality::Contains) => "the live message contains it",
        _ => "the live message is worded otherwise; the code's first entry",
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
fn write_scopes(out: &mut String, d: &Diagnosis, s: Printer) {
    if d.missing_scopes.is_empty() {
        return;
    }
    line(out, "missing scopes", &text(d.missing_scopes.join(", "), Tone::Strong), s);
    if d.helps.is_empty() {
        line(
            out,
            "request them",
            &text(
                format!(
                    "in the developer console ({}/app, Lark: {}/app): your app, \
                     Permissions & Scopes; then release a new version",
                    platform::host::FEISHU,
                    platform::host::LARK
                ),
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
        assert!(parse_header("HTTP/1.1: 400").is_err(), "a status line is no header");
    }
}
