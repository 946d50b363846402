//! `larkerr`: the command line a person reaches for when a Feishu / Lark call fails.
//!
//! Every answer comes from the `lark-errors` library; this crate only parses
//! arguments, reads input and renders output. It is a library as well as a binary so
//! that `cargo xtask man` renders the man pages from the very definition the binary
//! parses ([`Cli`]), and so that the fuzz targets of `fuzz/` reach the very readers of
//! input the commands use ([`input`], [`http`], [`request`]).
//!
//! Exit statuses: 0 success, 1 nothing found, 2 bad usage, unreadable input or an
//! output that cannot be written, 141 (quietly) when the reader of stdout left.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::io;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod api;
mod classify;
mod completions;
mod doc_api;
mod doc_cmd;
mod explain;
mod export;
pub mod http;
pub mod input;
mod list;
mod mock;
pub mod output;
pub mod render;
pub mod request;
mod scan;
mod search;
mod words;

/// Explain, search, classify and scan Feishu / Lark Open Platform error codes.
///
/// Every answer comes from the catalog of the platform's error-code page ("通用错误码")
/// built into lark-errors. Exit status: 0 success, 1 nothing found, 2 bad usage,
/// unreadable input or unwritable output, 141 when the reader of stdout left.
#[derive(Debug, Parser)]
#[command(name = "larkerr", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    global: output::GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain error codes: message, meaning, what to do, advice.
    Explain(explain::Args),
    /// Show a documented API: its page, rate limit, scopes and error codes.
    Api(api::Args),
    /// Search the whole catalog: codes, messages, meanings, advice, API titles.
    Search(search::Args),
    /// List the catalog, filtered by category, action, token, retryability, API, area or
    /// HTTP status.
    List(list::Args),
    /// Diagnose a response: a JSON body, `curl -i` or `curl -v` output, or a log line.
    Classify(classify::Args),
    /// Export the whole catalog (generic page, APIs, per-API entries) as JSON, CSV or
    /// Markdown.
    Export(export::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Check a copy of the error-code page, or compare two copies (for maintainers).
    Doc(doc_cmd::Args),
    /// Find Feishu error codes in logs: counts, categories, first and last, timeline.
    Scan(scan::Args),
    /// Run a mock Feishu Open API server that answers with the documented errors.
    Mock(mock::Args),
}

/// The clap definition of the whole command line, for man pages and completions.
pub fn command() -> clap::Command {
    Cli::command()
}

/// The exit status when stdout's reader left (EPIPE): 128 + SIGPIPE, what a shell
/// reports for a process killed by SIGPIPE.
pub const BROKEN_PIPE: u8 = 141;

/// Exit status for a finished command: 0 success, 1 nothing found, 2 bad usage or input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything asked for was found.
    Found,
    /// The command ran but found nothing (an unknown code, no hits).
    NotFound,
    /// Bad usage or unreadable input.
    Usage,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        match s {
            Status::Found => ExitCode::SUCCESS,
            Status::NotFound => ExitCode::from(1),
            Status::Usage => ExitCode::from(2),
        }
    }
}

/// Runs the command line with the process's arguments; `main` is this and nothing else.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    // Every command but the mock (which serves whether or not anyone reads its banner)
    // exists to write to stdout: with stdout closed, say so rather than succeed.
    if !matches!(cli.command, Command::Mock(_)) && output::stdout_closed() {
        output::error("cannot write to stdout: it is closed");
        return ExitCode::from(2);
    }
    // Colour and width are decided here, once, and handed to every command.
    let printer = output::Printer::resolve(&cli.global);
    let result = match cli.command {
        Command::Explain(args) => explain::run(&args, printer),
        Command::Api(args) => api::run(&args, printer),
        Command::Search(args) => search::run(&args, printer),
        Command::List(args) => list::run(&args, printer),
        Command::Classify(args) => classify::run(&args, printer),
        Command::Export(args) => export::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Doc(args) => doc_cmd::run(&args, printer),
        Command::Scan(args) => scan::run(&args, printer),
        Command::Mock(args) => mock::run(&args, printer),
    };
    match result {
        Ok(status) => status.into(),
        // `larkerr list | head -1`: the reader left before the output ended. That is
        // not worth a message (the reader chose to stop), but it is not success
        // either: exit quietly with the status a shell reports for a process ended by
        // SIGPIPE, as `cat` and `grep` do.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(BROKEN_PIPE),
        Err(e) => {
            output::error(format_args!("{e}"));
            ExitCode::from(2)
        }
    }
}

/// Prints a clap error: help and version as clap renders them (exit 0), a bare
/// `larkerr` as its help (exit 2), and every other usage error as one line (exit 2).
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // A closed stdout is not worth a message here either.
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            // clap's first paragraph is the message (with the missing arguments or
            // possible values on its following lines); tips and usage come after.
            let text = e.to_string();
            let paragraph: Vec<&str> = text
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let mut message = paragraph.join(" ");
            // clap quotes the bad value in full: show its start only (our own value
            // parsers quote their start again).
            if let Some(clap::error::ContextValue::String(value)) =
                e.get(clap::error::ContextKind::InvalidValue)
            {
                let shown = render::truncate(value, 40);
                if shown.len() < value.len() {
                    message = message.replacen(value.as_str(), &shown, 1);
                }
            }
            let message = message.strip_prefix("error: ").unwrap_or(&message);
            output::error(format_args!("{message} (see `larkerr --help`)"));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        super::command().debug_assert();
    }
}
