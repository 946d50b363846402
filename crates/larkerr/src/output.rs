//! What every command shares for output: the global `--color` / `--width` options, the
//! resolved settings, a buffered stdout, styles, and one-line error messages.
//!
//! The settings are resolved once in [`init`] (before any command runs) so that every
//! command keeps the plain `run(&args)` shape.

use std::fmt;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::OnceLock;

use anstyle::{AnsiColor, Effects, Style};

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour, even into a pipe.
    Always,
    /// Never colour.
    Never,
}

/// Options every subcommand accepts.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GlobalArgs {
    /// When to use colour: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t, global = true)]
    pub color: ColorWhen,
    /// Wrap human output at this many columns [default: $COLUMNS, else the terminal's
    /// width, else 80].
    #[arg(long, value_name = "COLUMNS", global = true,
          value_parser = clap::value_parser!(u16).range(20..=1000))]
    pub width: Option<u16>,
}

/// The output settings every command renders with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Whether to emit ANSI styles.
    pub color: bool,
    /// Columns to wrap prose at.
    pub width: usize,
    /// Whether `width` was asked for (`--width`, `COLUMNS`) or measured on a terminal,
    /// rather than a default: tables are only truncated to a known width.
    pub width_known: bool,
}

/// Width used when neither an option, `COLUMNS` nor a terminal says.
pub const DEFAULT_WIDTH: usize = 80;

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Resolves the colour choice and width from the global options and the environment.
pub fn init(args: &GlobalArgs) {
    let choice = match args.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    let color = anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never;
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok());
    let terminal = || {
        let stdout = io::stdout();
        if !stdout.is_terminal() {
            return None;
        }
        terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0))
    };
    let measured = args
        .width
        .map(usize::from)
        .or(columns.filter(|&c| c > 0))
        .or_else(terminal)
        .map(|w| w.clamp(20, 1000));
    let _ = SETTINGS.set(Settings {
        color,
        width: measured.unwrap_or(DEFAULT_WIDTH),
        width_known: measured.is_some(),
    });
}

/// The settings resolved by [`init`]; plain 80-column output if it was not called.
pub fn settings() -> Settings {
    SETTINGS.get().copied().unwrap_or(Settings {
        color: false,
        width: DEFAULT_WIDTH,
        width_known: false,
    })
}

/// A buffered handle on stdout. Styles are only written when [`Settings::color`] is
/// set, so nothing needs stripping; flush it before returning.
pub fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Prints `larkerr: message` as one line on stderr (a closed stderr is ignored).
pub fn error(message: impl fmt::Display) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "larkerr: {message}");
}

/// The styles human output uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// No style.
    Plain,
    /// A heading or code: bold.
    Strong,
    /// `**bold**` in advice.
    Bold,
    /// Inline code in advice.
    Code,
    /// Link text in advice.
    Link,
    /// A URL.
    Url,
    /// Labels and secondary text.
    Dim,
    /// Something the reader must act on.
    Act,
    /// A warning: not retryable, not found.
    Warn,
}

impl Tone {
    /// The ANSI style of this tone.
    pub fn style(self) -> Style {
        match self {
            Tone::Plain => Style::new(),
            Tone::Strong | Tone::Bold => Style::new().effects(Effects::BOLD),
            Tone::Code => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            Tone::Link => Style::new().effects(Effects::UNDERLINE),
            Tone::Url => Style::new().fg_color(Some(AnsiColor::Blue.into())),
            Tone::Dim => Style::new().effects(Effects::DIMMED),
            Tone::Act => {
                Style::new().fg_color(Some(AnsiColor::Green.into())).effects(Effects::BOLD)
            }
            Tone::Warn => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        }
    }
}

/// Appends `text` to `out` in `tone` when `color` is set, plain otherwise.
pub fn paint(out: &mut String, text: &str, tone: Tone, color: bool) {
    use std::fmt::Write as _;
    if color && tone != Tone::Plain && !text.is_empty() {
        let style = tone.style();
        let _ = write!(out, "{style}{text}{style:#}");
    } else {
        out.push_str(text);
    }
}
