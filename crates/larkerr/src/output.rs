//! What every command shares for output: the global `--color` / `--width` options, the
//! [`Printer`] they resolve to, a buffered stdout, styles, and one-line error messages.
//!
//! The printer is resolved once in [`Printer::resolve`] (in `main`, before any command
//! runs) and passed to every command: it is the only place that decides whether to
//! colour, and the only code that writes a style. Text it paints is escaped
//! ([`escape_controls`]) so that a response or log line cannot move the cursor, ring the
//! bell or restyle the terminal, coloured or not.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufWriter, IsTerminal, Write};

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

/// How every command prints: whether to colour, and the width to wrap at. Resolved
/// once from the global options and the environment, then passed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printer {
    /// Whether to emit ANSI styles on stdout.
    pub color: bool,
    /// Whether to emit ANSI styles on stderr (a log, such as `larkerr mock`'s request
    /// log): the same choice, with `auto` asking whether stderr is a terminal.
    pub color_stderr: bool,
    /// Columns to wrap prose at.
    pub width: usize,
    /// Whether `width` was asked for (`--width`, `COLUMNS`) or measured on a terminal,
    /// rather than a default: tables are only truncated to a known width.
    pub width_known: bool,
}

/// Width used when neither an option, `COLUMNS` nor a terminal says.
pub const DEFAULT_WIDTH: usize = 80;

impl Printer {
    /// Resolves the colour choice (`--color`, else `NO_COLOR` / `CLICOLOR_FORCE` and
    /// whether stdout is a terminal) and the width (`--width`, else `COLUMNS`, else the
    /// terminal's width, else [`DEFAULT_WIDTH`]).
    pub fn resolve(args: &GlobalArgs) -> Printer {
        let color_of = |auto: anstream::ColorChoice| match args.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => auto != anstream::ColorChoice::Never,
        };
        let color = color_of(anstream::AutoStream::choice(&io::stdout()));
        let color_stderr = color_of(anstream::AutoStream::choice(&io::stderr()));
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
        Printer {
            color,
            color_stderr,
            width: measured.unwrap_or(DEFAULT_WIDTH),
            width_known: measured.is_some(),
        }
    }

    /// Plain output at `width` columns: no colour, width not measured.
    ///
    /// ```
    /// let p = larkerr::output::Printer::plain(80);
    /// assert!(!p.color);
    /// ```
    pub const fn plain(width: usize) -> Printer {
        Printer { color: false, color_stderr: false, width, width_known: false }
    }

    /// Appends `text` to `out`, control characters escaped, in `tone` when colouring.
    ///
    /// ```
    /// use larkerr::output::{Printer, Tone};
    /// let mut out = String::new();
    /// Printer::plain(80).paint(&mut out, "bell\u{7}", Tone::Strong);
    /// assert_eq!(out, "bell\\u{7}");
    /// ```
    pub fn paint(&self, out: &mut String, text: &str, tone: Tone) {
        use std::fmt::Write as _;
        let _ = write!(out, "{}", self.styled(text, tone));
    }

    /// `text` in `tone`, control characters escaped, for `write!`.
    pub fn styled<'t>(&self, text: &'t str, tone: Tone) -> Styled<'t> {
        Styled { text, style: if self.color { tone.style() } else { Style::new() } }
    }
}

/// Text and its style, as [`Printer::styled`] gives it: displays the escaped text,
/// wrapped in the style's codes when it has one.
#[derive(Debug, Clone, Copy)]
pub struct Styled<'t> {
    text: &'t str,
    style: Style,
}

impl fmt::Display for Styled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = escape_controls(self.text);
        if self.style == Style::new() || text.is_empty() {
            f.write_str(&text)
        } else {
            write!(f, "{}{text}{:#}", self.style, self.style)
        }
    }
}

/// `text` with every control character but tab written as an escape (`\u{1b}`,
/// `\u{7}`, `\r`, `\n`): text from a response or a log is shown, never obeyed by the
/// terminal.
///
/// ```
/// use larkerr::output::escape_controls;
/// assert_eq!(escape_controls("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
/// assert_eq!(escape_controls("权限\tok"), "权限\tok");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\t';
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A buffered handle on stdout whose write errors name it ("cannot write to stdout:
/// ..."), keeping the error's kind (a reader that left is still
/// [`io::ErrorKind::BrokenPipe`]). Styles are only written when [`Printer::color`] is
/// set, so nothing needs stripping; flush it before returning.
pub fn stdout() -> BufWriter<Named<io::StdoutLock<'static>>> {
    BufWriter::with_capacity(64 * 1024, Named::new(io::stdout().lock(), "stdout"))
}

/// Whether the process was started with stdout closed (`larkerr list >&-`).
///
/// Rust's runtime opens `/dev/null` read-write in place of a closed standard stream
/// before `main`, so writes would silently succeed. A shell's `>/dev/null` opens it
/// write-only, so stdout on `/dev/null` opened read-write is taken as closed (Linux,
/// from `/proc/self/fdinfo/1`; elsewhere never). A program that daemonised itself the
/// classic way (`daemon(3)` also opens `/dev/null` read-write) looks the same.
pub fn stdout_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
        if !null {
            return false;
        }
        let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else { return false };
        // `flags:` is octal; the access mode is its low two bits: 2 is O_RDWR.
        info.lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            .is_some_and(|flags| flags & 0o3 == 0o2)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// A writer whose errors say what was being written: `cannot write to NAME: why`.
#[derive(Debug)]
pub struct Named<W> {
    inner: W,
    name: String,
}

impl<W: Write> Named<W> {
    /// Wraps `inner`, called `name` in errors (a path, or `stdout`).
    pub fn new(inner: W, name: impl Into<String>) -> Named<W> {
        Named { inner, name: name.into() }
    }

    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("cannot write to {}: {}", self.name, os_error_text(&e)))
    }
}

impl<W: Write> Write for Named<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

/// An I/O error as a person reads it, without the `(os error N)` suffix.
pub fn os_error_text(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The most columns an error line shows; longer ones (a pasted 100 KB argument echoed
/// back) keep their start and end around a `…`.
pub const MAX_ERROR_COLUMNS: usize = 300;

/// Prints `larkerr: message` as one line on stderr (a closed stderr is ignored):
/// control characters escaped, at most [`MAX_ERROR_COLUMNS`] columns.
pub fn error(message: impl fmt::Display) {
    let message = message.to_string();
    let escaped = escape_controls(&message);
    let line = elide_middle(&escaped, MAX_ERROR_COLUMNS);
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "larkerr: {line}");
}

/// `text` cut to at most `max` columns by replacing its middle with `…`, on character
/// boundaries: the start says what went wrong, the end often says what to do.
///
/// ```
/// use larkerr::output::elide_middle;
/// assert_eq!(elide_middle("short", 10), "short");
/// let long = format!("bad `{}` (see --help)", "x".repeat(1000));
/// let cut = elide_middle(&long, 40);
/// assert!(cut.starts_with("bad `xx") && cut.ends_with("(see --help)") && cut.contains('…'));
/// assert!(larkerr::render::width(&cut) <= 40);
/// ```
pub fn elide_middle(text: &str, max: usize) -> Cow<'_, str> {
    if crate::render::width(text) <= max {
        return Cow::Borrowed(text);
    }
    // Two thirds of the room for the start (cut by the one truncation helper, which
    // ends it in `…`), the rest for the end.
    let head = crate::render::truncate(text, max - max / 3);
    let room = max.saturating_sub(crate::render::width(&head));
    let mut tail_start = text.len();
    let mut used = 0;
    for (i, c) in text.char_indices().rev() {
        let w = crate::render::char_width(c);
        if used + w > room {
            break;
        }
        used += w;
        tail_start = i;
    }
    Cow::Owned(format!("{head}{}", &text[tail_start..]))
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
    /// Something added (a page diff's new side).
    Added,
    /// Something removed (a page diff's old side), or a problem count.
    Removed,
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
            Tone::Added => Style::new().fg_color(Some(AnsiColor::Green.into())),
            Tone::Removed => Style::new().fg_color(Some(AnsiColor::Red.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_is_resolved_for_both_streams_and_the_option_wins() {
        for (when, expect) in [(ColorWhen::Always, true), (ColorWhen::Never, false)] {
            let p = Printer::resolve(&GlobalArgs { color: when, width: Some(50) });
            assert_eq!(
                (p.color, p.color_stderr, p.width, p.width_known),
                (expect, expect, 50, true)
            );
        }
    }

    #[test]
    fn painted_text_is_escaped_and_styled_only_in_colour() {
        let plain = Printer::plain(80);
        let colour = Printer { color: true, ..plain };
        let mut out = String::new();
        plain.paint(&mut out, "a\u{1b}[2Jb\r", Tone::Warn);
        assert_eq!(out, "a\\u{1b}[2Jb\\r");
        out.clear();
        colour.paint(&mut out, "a\u{7}", Tone::Warn);
        assert_eq!(out, format!("{}a\\u{{7}}{:#}", Tone::Warn.style(), Tone::Warn.style()));
        out.clear();
        colour.paint(&mut out, "plain", Tone::Plain);
        assert_eq!(out, "plain");
    }
}
