//! `cargo xtask codegen [--check]`: regenerate (or check) the catalog table.

use std::process::ExitCode;

use xtask::codegen;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  codegen [--check]   regenerate crates/lark-errors/src/catalog/table.rs from data/;
                      with --check, fail if the checked-in file is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_codegen(check: bool) -> Result<(), Box<dyn std::error::Error>> {
    let root = codegen::workspace_root();
    let generated = codegen::generate(&root)?;
    let path = root.join(codegen::TABLE_PATH);
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == generated {
        eprintln!("{} is up to date", codegen::TABLE_PATH);
        return Ok(());
    }
    if check {
        return Err(format!("{} is stale: run `cargo xtask codegen`", codegen::TABLE_PATH).into());
    }
    std::fs::write(&path, generated)?;
    eprintln!("wrote {}", codegen::TABLE_PATH);
    Ok(())
}
