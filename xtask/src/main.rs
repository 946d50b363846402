//! `cargo xtask codegen [--check]`: regenerate (or check) the catalog table.
//! `cargo xtask man [--out DIR]`: render larkerr's man pages.
//! `cargo xtask fuzz-seeds`: write the fuzz targets' seed corpora into fuzz/corpus/.

use std::process::ExitCode;

use xtask::codegen;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  codegen [--check]   regenerate crates/lark-errors/src/catalog/{table,api_table,text_table}.rs
                      from data/;
                      with --check, fail if the checked-in file is stale
  man [--out DIR]     write larkerr's man pages (larkerr.1, larkerr-explain.1, ...)
                      into DIR (default: target/man)
  fuzz-seeds          write the fuzz targets' seed corpora, made from data/ and
                      tests/fixtures/, into fuzz/corpus/<target>/ (see scripts/fuzz.sh)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["man"] => run_man(None),
        ["man", "--out", dir] => run_man(Some(dir)),
        ["fuzz-seeds"] => run_fuzz_seeds(),
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
    let mut stale = Vec::new();
    for (rel, generated) in codegen::generate_files(&root)? {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == generated {
            eprintln!("{rel} is up to date");
        } else if check {
            stale.push(rel);
        } else {
            std::fs::write(&path, generated)?;
            eprintln!("wrote {rel}");
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!("{} stale: run `cargo xtask codegen`", stale.join(", ")).into())
    }
}

fn run_fuzz_seeds() -> Result<(), Box<dyn std::error::Error>> {
    let root = codegen::workspace_root();
    for (target, seeds) in xtask::fuzz_seeds::write(&root)? {
        eprintln!("{}/{target}: {seeds} seeds", xtask::fuzz_seeds::CORPUS_DIR);
    }
    Ok(())
}

/// Renders the man pages; needs the `man` feature (larkerr and clap_mangen).
#[cfg(feature = "man")]
fn run_man(dir: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let dir = match dir {
        Some(dir) => std::path::PathBuf::from(dir),
        None => codegen::workspace_root().join(xtask::man::DEFAULT_DIR),
    };
    for page in xtask::man::generate(&dir)? {
        eprintln!("wrote {}", page.display());
    }
    Ok(())
}

/// Without the `man` feature, runs xtask again with it: codegen must never need larkerr
/// (which embeds the generated table), so only this task pays for building it.
#[cfg(not(feature = "man"))]
fn run_man(dir: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.args(["run", "--quiet", "--package", "xtask", "--features", "man", "--", "man"]);
    if let Some(dir) = dir {
        command.args(["--out", dir]);
    }
    let status = command.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("man page generation failed ({status})").into())
    }
}
