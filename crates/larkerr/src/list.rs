//! `larkerr list`: the catalog as a table, filtered by the library's semantics.

use std::io::{self, Write};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use lark_errors::{Action, Category, Entry, TokenKind};

use crate::Status;
use crate::export;
use crate::output::{self, Printer, Tone};
use crate::render;

/// List the catalog.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only entries of these categories (repeat or separate with commas).
    #[arg(long, value_name = "CATEGORY", value_delimiter = ',', value_parser = words(Category::ALL, Category::as_str, Category::describe))]
    category: Vec<Category>,
    /// Only entries with these actions (repeat or separate with commas).
    #[arg(long, value_name = "ACTION", value_delimiter = ',', value_parser = words(Action::ALL, Action::as_str, Action::describe))]
    action: Vec<Action>,
    /// Only entries about these access tokens (repeat or separate with commas).
    #[arg(long, value_name = "TOKEN", value_delimiter = ',', value_parser = words(TokenKind::ALL, TokenKind::as_str, TokenKind::as_str))]
    token: Vec<TokenKind>,
    /// Only retryable entries (`--retryable`, `--retryable=true`) or only the others
    /// (`--retryable=false`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    retryable: Option<bool>,
    /// Print a JSON array of entry objects instead.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV (RFC 4180, a header row, one row per entry) instead.
    #[arg(long)]
    csv: bool,
}

/// A value parser for one of the library's word types, offering its words (with their
/// descriptions) to completions and the man page.
fn words<T>(
    all: &'static [T],
    name: fn(T) -> &'static str,
    describe: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T>
where
    T: Copy + Send + Sync + Clone + std::str::FromStr + 'static,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let values = all.iter().map(move |&w| {
        let value = PossibleValue::new(name(w));
        if describe(w) == name(w) { value } else { value.help(describe(w)) }
    });
    PossibleValuesParser::new(values).try_map(|s| s.parse::<T>())
}

impl Args {
    fn keeps(&self, e: &Entry) -> bool {
        (self.category.is_empty() || self.category.contains(&e.category()))
            && (self.action.is_empty() || self.action.contains(&e.action()))
            && (self.token.is_empty() || e.token().is_some_and(|t| self.token.contains(&t)))
            && self.retryable.is_none_or(|r| e.retryable() == r)
    }
}

/// Runs `larkerr list`.
pub fn run(args: &Args, p: Printer) -> io::Result<Status> {
    let entries: Vec<&'static Entry> =
        lark_errors::entries().iter().filter(|e| args.keeps(e)).collect();
    let mut out = output::stdout();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &entries)?;
        writeln!(out)?;
    } else if args.csv {
        export::write_csv(&mut out, &entries)?;
    } else if !entries.is_empty() {
        write_table(&mut out, &entries, p)?;
    }
    out.flush()?;
    if entries.is_empty() {
        output::error("no entry matches these filters");
        return Ok(Status::NotFound);
    }
    Ok(Status::Found)
}

/// A token kind without its `_access_token` suffix (`tenant`, `app`, `user`), to keep
/// the table narrow; `-` for none.
fn short_token(token: Option<TokenKind>) -> &'static str {
    token.map_or("-", |t| t.as_str().strip_suffix("_access_token").unwrap_or(t.as_str()))
}

/// Writes the human table: code, category, action, token, message. The message is cut
/// to the width when the width is known (a terminal, `--width` or `COLUMNS`).
fn write_table(out: &mut impl Write, entries: &[&Entry], s: Printer) -> io::Result<()> {
    let widest = |f: &dyn Fn(&Entry) -> usize, min: usize| {
        entries.iter().map(|e| f(e)).max().unwrap_or(0).max(min)
    };
    let code_w = widest(&|e| e.code().to_string().len(), 4);
    let cat_w = widest(&|e| e.category().as_str().len(), 8);
    let act_w = widest(&|e| e.action().as_str().len(), 6);
    let tok_w = widest(&|e| short_token(e.token()).len(), 5);
    let fixed = code_w + cat_w + act_w + tok_w + 8;
    let room = s.width.saturating_sub(fixed).max(12);
    let mut line = String::new();
    let header = format!(
        "{:<code_w$}  {:<cat_w$}  {:<act_w$}  {:<tok_w$}  MESSAGE",
        "CODE", "CATEGORY", "ACTION", "TOKEN"
    );
    s.paint(&mut line, &header, Tone::Dim);
    writeln!(out, "{line}")?;
    for e in entries {
        line.clear();
        s.paint(&mut line, &format!("{:<code_w$}", e.code()), Tone::Strong);
        let token = short_token(e.token());
        line.push_str(&format!(
            "  {:<cat_w$}  {:<act_w$}  {:<tok_w$}  ",
            e.category().as_str(),
            e.action().as_str(),
            token
        ));
        if s.width_known {
            line.push_str(&render::truncate(e.message(), room));
        } else {
            line.push_str(e.message());
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
