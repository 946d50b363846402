//! `larkerr explain CODE...`

use std::io::{self, Write};

use crate::Status;

/// Explain one or more error codes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Error codes, as the `code` field of a response gives them (e.g. 99991663).
    #[arg(required = true, value_name = "CODE", value_parser = parse_code, allow_negative_numbers = true)]
    codes: Vec<u32>,
}

/// Parses a code argument; clap turns the error into a usage error (exit 2).
fn parse_code(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{text}` is not an error code (expected a non-negative integer like 99991663)"
        ));
    }
    t.parse()
        .map_err(|_| format!("`{text}` is out of range for an error code (at most {})", u32::MAX))
}

pub fn run(args: &Args) -> io::Result<Status> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut status = Status::Found;
    for (i, &code) in args.codes.iter().enumerate() {
        let entries = lark_errors::lookup(code);
        if entries.is_empty() {
            eprintln!("larkerr: {code} is not a documented error code");
            status = Status::NotFound;
            continue;
        }
        for (j, entry) in entries.iter().enumerate() {
            if i + j > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{} {}", entry.code(), entry.message())?;
            writeln!(out, "  category: {}  action: {}", entry.category(), entry.action())?;
            writeln!(out)?;
            for line in entry.advice(lark_errors::doc::Language::En).lines() {
                writeln!(out, "  {line}")?;
            }
        }
    }
    out.flush()?;
    Ok(status)
}
