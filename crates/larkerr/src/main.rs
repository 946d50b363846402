//! `larkerr`: the command line a person reaches for when a Feishu / Lark call fails.
//!
//! Every answer comes from the `lark-errors` library; this binary only parses
//! arguments, reads input and renders output.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod doc_cmd;
mod explain;
mod scan;

/// Explain, search, classify and scan Feishu / Lark Open Platform error codes.
#[derive(Debug, Parser)]
#[command(name = "larkerr", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain one or more error codes: message, meaning, what to do, advice.
    Explain(explain::Args),
    /// Check a copy of the error-code page, or compare two copies (for maintainers).
    Doc(doc_cmd::Args),
    /// Find Feishu error codes in logs: counts, categories, first and last, timeline.
    Scan(scan::Args),
}

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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Explain(args) => explain::run(&args),
        Command::Doc(args) => doc_cmd::run(&args),
        Command::Scan(args) => scan::run(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("larkerr: {e}");
            ExitCode::from(2)
        }
    }
}
