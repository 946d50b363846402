//! Text for a terminal: display width (CJK counts 2 columns), word wrapping that may
//! break between CJK characters, and the small markdown the platform's advice uses.
//!
//! The advice is markdown as written on the page: lines, `-` bullets nested by
//! indentation, `1.` items, `**bold**`, `[text](url)` links, `![alt](url)` images and
//! `` `code` `` (sometimes with triple backticks). [`markdown`] renders it: bullets
//! indented, bold as bold, links as text plus URL, images as a short `[image] URL`
//! line, inline code marked with backticks (and coloured on a terminal).
//!
//! ```
//! let p = larkerr::output::Printer::plain(80);
//! let text = larkerr::render::markdown("- see [docs](https://x.y/z) and `curl a`", 0, p);
//! assert_eq!(text, "• see docs (https://x.y/z) and `curl a`\n");
//! ```

use unicode_width::UnicodeWidthChar;

use crate::output::{Printer, Tone};

/// Columns `c` takes in a terminal: 2 for CJK and other wide characters, 0 for
/// combining and control characters, else 1.
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Columns `s` takes in a terminal.
///
/// ```
/// assert_eq!(larkerr::render::width("权限 ok"), 7);
/// ```
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` cut to at most `max` columns, ending in `…` when it was cut.
///
/// ```
/// assert_eq!(larkerr::render::truncate("频率限制", 5), "频率…");
/// assert_eq!(larkerr::render::truncate("abc", 5), "abc");
/// ```
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A piece of inline text with its tone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Text to wrap, in a tone.
    Text(String, Tone),
    /// An image: rendered as its own `[image] URL` line.
    Image(String),
}

impl Span {
    fn text(text: &str, tone: Tone) -> Span {
        Span::Text(text.to_owned(), tone)
    }
}

/// Parses inline markdown: `**bold**`, `` `code` `` (any number of backticks),
/// `[text](url)` and `![alt](url)`. Anything unmatched stays literal text.
pub fn inline(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut plain = String::new();
    let mut bold = false;
    let mut i = 0;
    let flush = |plain: &mut String, spans: &mut Vec<Span>, bold: bool| {
        if !plain.is_empty() {
            spans.push(Span::text(plain, if bold { Tone::Bold } else { Tone::Plain }));
            plain.clear();
        }
    };
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("**") && (bold || rest[2..].contains("**")) {
            flush(&mut plain, &mut spans, bold);
            bold = !bold;
            i += 2;
            continue;
        }
        if rest.starts_with('`') {
            let ticks = rest.bytes().take_while(|&b| b == b'`').count();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let code = rest[ticks..ticks + end].trim();
                if !code.is_empty() {
                    flush(&mut plain, &mut spans, bold);
                    spans.push(Span::Text(format!("`{code}`"), Tone::Code));
                    i += ticks + end + ticks;
                    continue;
                }
            }
        }
        if let Some((is_image, label, url, len)) = link_at(rest) {
            flush(&mut plain, &mut spans, bold);
            if is_image {
                spans.push(Span::Image(url.to_owned()));
            } else {
                let label = label.trim();
                if !label.is_empty() && label != url {
                    spans.push(Span::text(label, Tone::Link));
                    spans.push(Span::text(" (", Tone::Plain));
                    spans.push(Span::text(url, Tone::Url));
                    spans.push(Span::text(")", Tone::Plain));
                } else {
                    spans.push(Span::text(url, Tone::Url));
                }
            }
            i += len;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        plain.push(c);
        i += c.len_utf8();
    }
    flush(&mut plain, &mut spans, bold);
    spans
}

/// A link or image starting at the beginning of `s`: whether it is an image, its text,
/// its URL and the bytes it spans.
fn link_at(s: &str) -> Option<(bool, &str, &str, usize)> {
    let (is_image, open) = if s.starts_with("![") {
        (true, 2)
    } else if s.starts_with('[') {
        (false, 1)
    } else {
        return None;
    };
    let close = s[open..].find("](")? + open;
    let label = &s[open..close];
    if label.contains(['[', ']', '\n']) {
        return None;
    }
    let url_start = close + 2;
    let url_len = s[url_start..].find(')')?;
    let url = s[url_start..url_start + url_len].trim();
    if url.is_empty() || url.contains(char::is_whitespace) {
        return None;
    }
    Some((is_image, label, url, url_start + url_len + 1))
}

/// The text of `markdown` without markup, on one line: for snippets and tables.
///
/// ```
/// assert_eq!(larkerr::render::plain("**注意**：见[文档](https://a.b)"), "注意：见文档 (https://a.b)");
/// ```
pub fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for line in markdown.lines() {
        let (_, content) = indentation(line);
        let content = list_item(content).map_or(content, |(_, rest)| rest);
        push_plain(&mut out, content);
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_plain(out: &mut String, markdown: &str) {
    for span in inline(markdown) {
        match span {
            Span::Text(t, _) => out.push_str(&t),
            Span::Image(url) => {
                out.push_str(" [image] ");
                out.push_str(&url);
                out.push(' ');
            }
        }
    }
}

/// Closing punctuation never starts a line; opening punctuation never ends one.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '：'
            | '；'
            | '！'
            | '？'
            | '）'
            | '」'
            | '』'
            | '》'
            | '〉'
            | '】'
            | '”'
            | '’'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
    )
}

fn is_opening(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '《' | '〈' | '【' | '“' | '‘' | '(' | '[' | '{')
}

/// An unbreakable run of text: pieces in tones, and whether a space precedes it.
#[derive(Debug, Default)]
struct Atom {
    pieces: Vec<(String, Tone)>,
    space_before: bool,
    width: usize,
}

impl Atom {
    fn push(&mut self, c: char, tone: Tone) {
        match self.pieces.last_mut() {
            Some((text, t)) if *t == tone => text.push(c),
            _ => self.pieces.push((c.to_string(), tone)),
        }
        self.width += char_width(c);
    }
}

/// Splits styled text into atoms: words, single wide characters (with the punctuation
/// that may not be separated from them).
fn atoms(spans: &[(String, Tone)]) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    let mut pending_space = false;
    let mut prev: Option<char> = None;
    for (text, tone) in spans {
        for c in text.chars() {
            // Inline code is kept on one line: its spaces do not break.
            if c.is_whitespace() && *tone == Tone::Code && !out.is_empty() && !pending_space {
                if let Some(atom) = out.last_mut() {
                    atom.push(' ', *tone);
                }
                prev = Some(' ');
                continue;
            }
            if c.is_whitespace() {
                pending_space = true;
                prev = None;
                continue;
            }
            let wide = char_width(c) >= 2;
            let break_before = match prev {
                None => true,
                Some(p) => !is_opening(p) && !is_closing(c) && (wide || char_width(p) >= 2),
            };
            if pending_space || break_before || out.is_empty() {
                out.push(Atom {
                    space_before: pending_space && !out.is_empty(),
                    ..Atom::default()
                });
            }
            if let Some(atom) = out.last_mut() {
                atom.push(c, *tone);
            }
            pending_space = false;
            prev = Some(c);
        }
    }
    out
}

/// Wraps styled text to the printer's width: the first line starts at column `first`
/// (already written by the caller), later lines are indented by `hang` spaces. Atoms
/// wider than a line (long URLs) get a line of their own and are never split.
/// Appends the lines, each ending in `\n`, to `out`.
pub fn wrap(out: &mut String, spans: &[(String, Tone)], first: usize, hang: usize, p: Printer) {
    let width = p.width;
    // Runs of one tone are painted once, not atom by atom.
    let mut run = String::new();
    let mut run_tone = Tone::Plain;
    let flush = |out: &mut String, run: &mut String, tone: Tone| {
        p.paint(out, run, tone);
        run.clear();
    };
    let mut col = first;
    let mut line_empty = true;
    for atom in atoms(spans) {
        let gap = usize::from(atom.space_before && !line_empty);
        if !line_empty && col + gap + atom.width > width {
            flush(out, &mut run, run_tone);
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', hang));
            col = hang;
        } else if gap == 1 {
            // A space between two runs of one tone belongs to it; else it is plain.
            let next = atom.pieces.first().map_or(Tone::Plain, |(_, t)| *t);
            if next != run_tone {
                flush(out, &mut run, run_tone);
                run_tone = Tone::Plain;
            }
            run.push(' ');
            col += 1;
        }
        for (text, tone) in &atom.pieces {
            if *tone != run_tone {
                flush(out, &mut run, run_tone);
                run_tone = *tone;
            }
            run.push_str(text);
        }
        col += atom.width;
        line_empty = false;
    }
    flush(out, &mut run, run_tone);
    out.push('\n');
}

/// Leading whitespace of a line in columns (a tab counts 4), and the rest.
fn indentation(line: &str) -> (usize, &str) {
    let mut cols = 0;
    for (i, c) in line.char_indices() {
        match c {
            ' ' => cols += 1,
            '\t' => cols += 4,
            _ => return (cols, &line[i..]),
        }
    }
    (cols, "")
}

/// A list item marker at the start of `text`: the marker to print and the item's text.
fn list_item(text: &str) -> Option<(String, &str)> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = text.strip_prefix(bullet) {
            return Some(("•".to_owned(), rest.trim_start()));
        }
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &text[digits..];
        if let Some(item) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((format!("{}.", &text[..digits]), item.trim_start()));
        }
    }
    None
}

/// Renders the platform's markdown advice for a terminal, every line indented by at
/// least `indent` spaces and wrapped to the printer's width (see the module docs).
pub fn markdown(text: &str, indent: usize, p: Printer) -> String {
    let mut out = String::new();
    // Open list items: (source indentation of the marker, column of the item's text).
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut blank = false;
    for line in text.lines() {
        let (src_indent, content) = indentation(line.trim_end());
        if content.is_empty() {
            if !out.is_empty() {
                blank = true;
            }
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        let item = list_item(content);
        // An item closes the items at its indentation or deeper; other text closes
        // those it is not indented under.
        open.retain(|&(at, _)| at < src_indent);
        let col = open.last().map_or(indent, |&(_, text_col)| text_col);
        let (first_col, hang, content) = match &item {
            Some((marker, rest)) => {
                out.extend(std::iter::repeat_n(' ', col));
                p.paint(&mut out, marker, Tone::Dim);
                out.push(' ');
                let text_col = col + width_of(marker) + 1;
                open.push((src_indent, text_col));
                (text_col, text_col, *rest)
            }
            None => {
                out.extend(std::iter::repeat_n(' ', col));
                (col, col, content)
            }
        };
        block(&mut out, content, first_col, hang, p);
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

fn width_of(s: &str) -> usize {
    width(s)
}

/// One line of markdown content after its marker: text wrapped, images on lines of
/// their own. The cursor is at column `first`.
fn block(out: &mut String, content: &str, first: usize, hang: usize, p: Printer) {
    let mut pending: Vec<(String, Tone)> = Vec::new();
    let mut at_line_start = true;
    let mut col = first;
    for span in inline(content) {
        match span {
            Span::Text(text, tone) => pending.push((text, tone)),
            Span::Image(url) => {
                if pending.iter().any(|(t, _)| !t.trim().is_empty()) {
                    wrap(out, &pending, col, hang, p);
                    out.extend(std::iter::repeat_n(' ', hang));
                }
                pending.clear();
                p.paint(out, "[image]", Tone::Dim);
                out.push(' ');
                p.paint(out, &url, Tone::Url);
                out.push('\n');
                at_line_start = false;
                col = hang;
                out.extend(std::iter::repeat_n(' ', hang));
            }
        }
    }
    if pending.iter().any(|(t, _)| !t.trim().is_empty()) {
        wrap(out, &pending, col, hang, p);
    } else if at_line_start {
        out.push('\n');
    } else {
        // Drop the indentation written for a line that stays empty.
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str, width: usize) -> String {
        markdown(text, 2, Printer::plain(width))
    }

    #[test]
    fn cjk_counts_two_columns_and_wraps_between_characters() {
        assert_eq!(width("飞书 API"), 8);
        let out = md("应用调用频率超过限制，请降低调用频率", 14);
        for line in out.lines() {
            assert!(width(line) <= 14, "{line:?} is too wide");
        }
        // Closing punctuation stays with the character before it.
        assert!(!out.lines().any(|l| l.trim_start().starts_with('，')), "{out}");
    }

    #[test]
    fn nested_bullets_are_indented_by_their_source_indentation() {
        let out = md("intro:\n- one\n    - two\n        more of two\n- three", 80);
        assert_eq!(out, "  intro:\n  • one\n    • two\n      more of two\n  • three\n");
    }

    #[test]
    fn images_get_a_line_of_their_own_and_links_show_their_url() {
        let out = md("see [the page](https://a.b/c) ![image.png](https://cdn/x.png) after", 80);
        assert_eq!(out, "  see the page (https://a.b/c)\n  [image] https://cdn/x.png\n  after\n");
        let out = md("    ![](https://cdn/y.png)", 80);
        assert_eq!(out, "  [image] https://cdn/y.png\n");
    }

    #[test]
    fn bold_code_and_numbered_items() {
        let out = md("1. set **open_id** with ```curl ifconfig.me```\n2. done", 80);
        assert_eq!(out, "  1. set open_id with `curl ifconfig.me`\n  2. done\n");
        // Colour marks bold and code with ANSI styles.
        let colored = markdown("**b** `c`", 0, Printer { color: true, ..Printer::plain(80) });
        assert!(colored.contains("\u{1b}[1mb"), "{colored:?}");
    }

    #[test]
    fn long_words_are_never_split() {
        let url = "https://open.feishu.cn/document/uAjLw4CM/ugTN1YjL4UTN24CO1UjN/trouble-shooting";
        let out = md(&format!("word {url} end"), 30);
        assert!(out.lines().any(|l| l.trim() == url), "{out}");
    }

    #[test]
    fn unmatched_markup_stays_literal() {
        assert_eq!(md("a ** b ` c [d] (e)", 80), "  a ** b ` c [d] (e)\n");
    }
}
