//! Running the real `larkerr` binary with stable output: 80 columns, no colour.

#![allow(dead_code)] // each test binary uses some of these

use std::path::{Path, PathBuf};

/// What a run produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary, with a fixed width and colour off whatever the environment says.
pub fn larkerr() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_larkerr"));
    cmd.env("COLUMNS", "80")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    cmd
}

/// Runs `larkerr args...` with `stdin` (empty when `None`).
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = larkerr();
    cmd.args(args);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin.to_vec());
    }
    let output = cmd.output().expect("larkerr runs");
    Run {
        code: output.status.code().expect("larkerr exits rather than being killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs and expects exit status 0 and nothing on stderr; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let r = run(args, None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "larkerr {args:?}");
    r.stdout
}

/// `n` with a comma between each three digits, as the human reports and the README
/// write counts.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `schemas/entry.schema.json`.
pub fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("schemas/entry.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A validator for a JSON array of entry objects (`#/$defs/entry` of the schema).
pub fn entries_validator() -> jsonschema::Validator {
    array_validator("entry")
}

/// A validator for a JSON array of `search --json` results (`#/$defs/search_hit`).
pub fn search_validator() -> jsonschema::Validator {
    array_validator("search_hit")
}

/// A validator for a JSON array of `#/$defs/<def>` of the entry schema.
fn array_validator(def: &str) -> jsonschema::Validator {
    let schema = schema();
    let wrapper = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": schema["$defs"],
        "type": "array",
        "items": { "$ref": format!("#/$defs/{def}") }
    });
    jsonschema::validator_for(&wrapper).unwrap_or_else(|e| panic!("the {def} schema compiles: {e}"))
}

/// Fails with every violation when `instance` does not satisfy `validator`.
pub fn assert_valid(validator: &jsonschema::Validator, instance: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));
}

/// Parses RFC 4180 CSV strictly: CRLF record ends, quoted fields with doubled quotes.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '"' => panic!("a quote inside an unquoted field: {field:?}"),
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "a CR outside quotes ends a record");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            '\n' => panic!("a bare LF outside quotes"),
            c => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(field.is_empty() && record.is_empty(), "the last record ends in CRLF");
    records
}
