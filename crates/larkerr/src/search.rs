//! `larkerr search QUERY`: ranked, case-insensitive search over codes (by prefix),
//! messages and the advice in both languages.
//!
//! Every word of the query must occur somewhere in an entry. A word scores where it
//! occurs best: the code itself, then a code prefix (`9999` finds the 9999xxxx family),
//! then the message, then the advice (a little more for each further occurrence); the
//! whole query occurring in the message adds a bonus. Ties keep catalog order.

use std::io::{self, Write};

use lark_errors::Entry;

use crate::Status;
use crate::output::{self, Printer, Tone};
use crate::render;

/// Search the catalog.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words to find: a code or code prefix, English or Chinese (e.g. `9999`,
    /// `frequency limit`, `权限`). Every word must match.
    #[arg(required = true, value_name = "QUERY", value_parser = non_empty)]
    query: Vec<String>,
    /// Show at most N results; 0 shows all.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Print a JSON array of entry objects, best first, instead.
    #[arg(long)]
    json: bool,
}

fn non_empty(text: &str) -> Result<String, String> {
    if text.trim().is_empty() { Err("the query is empty".to_owned()) } else { Ok(text.to_owned()) }
}

/// Where a query word was found in an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    AdviceZh,
    AdviceEn,
    Message,
    CodePrefix,
    Code,
}

impl Field {
    fn score(self) -> u32 {
        match self {
            Field::Code => 1000,
            Field::CodePrefix => 800,
            Field::Message => 200,
            Field::AdviceEn | Field::AdviceZh => 60,
        }
    }
}

/// An entry that matched, with its score and where its first word matched best.
#[derive(Debug)]
struct Hit {
    entry: &'static Entry,
    score: u32,
    first: Field,
}

/// The searchable text of one entry.
struct Haystack<'e> {
    code: String,
    message: &'e str,
    advice_en: &'e str,
    advice_zh: &'e str,
}

/// A query word, lower-cased, and how to compare it.
struct Word {
    text: String,
    /// The word has letters with case outside ASCII (`É`): compare against lower-cased
    /// text. Otherwise (ASCII, Chinese) an ASCII-case-insensitive byte search is exact
    /// and needs no copy of the catalog's text.
    unicode_case: bool,
}

impl Word {
    fn new(word: &str) -> Word {
        let text = word.to_lowercase();
        let unicode_case = text
            .chars()
            .any(|c| !c.is_ascii() && (c.to_uppercase().next() != Some(c) || c.is_uppercase()));
        Word { text, unicode_case }
    }

    /// Byte offsets in `hay` where the word occurs, ignoring case.
    fn find_all(&self, hay: &str) -> Vec<usize> {
        if self.unicode_case {
            // Offsets are into the lower-cased text; only their count and the first
            // one's presence are used for such words.
            return hay.to_lowercase().match_indices(&self.text).map(|(i, _)| i).collect();
        }
        if !self.text.bytes().any(|b| b.is_ascii_alphabetic()) {
            // No case at all (digits, Chinese): the standard substring search.
            return hay.match_indices(&self.text).map(|(i, _)| i).collect();
        }
        let (h, w) = (hay.as_bytes(), self.text.as_bytes());
        if w.is_empty() || h.len() < w.len() {
            return Vec::new();
        }
        let first = w[0];
        (0..=h.len() - w.len())
            .filter(|&i| h[i].to_ascii_lowercase() == first)
            .filter(|&i| h[i..i + w.len()].eq_ignore_ascii_case(w) && hay.is_char_boundary(i))
            .collect()
    }
}

impl<'e> Haystack<'e> {
    fn of(entry: &'e Entry) -> Haystack<'e> {
        Haystack {
            code: entry.code().to_string(),
            message: entry.message(),
            advice_en: entry.advice_en().unwrap_or(""),
            advice_zh: entry.advice_zh(),
        }
    }

    /// The best field `word` occurs in and its score, `None` if nowhere.
    fn score(&self, word: &Word) -> Option<(Field, u32)> {
        let text = word.text.as_str();
        if text.bytes().all(|b| b.is_ascii_digit()) {
            if self.code == text {
                return Some((Field::Code, Field::Code.score()));
            }
            if self.code.starts_with(text) {
                return Some((Field::CodePrefix, Field::CodePrefix.score()));
            }
        }
        if let Some(&at) = word.find_all(self.message).first() {
            let word_start = word.unicode_case
                || self.message[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let bonus = if self.message.len() == text.len() {
                400
            } else if word_start {
                100
            } else {
                0
            };
            return Some((Field::Message, Field::Message.score() + bonus));
        }
        let en = word.find_all(self.advice_en).len() as u32;
        let zh = word.find_all(self.advice_zh).len() as u32;
        if en == 0 && zh == 0 {
            return None;
        }
        let field = if en >= zh { Field::AdviceEn } else { Field::AdviceZh };
        // Further occurrences count a little, so an entry about the word ranks above
        // one that mentions it in passing.
        Some((field, field.score() + 5 * (en + zh - 1).min(8)))
    }
}

/// Ranks the catalog against `query`: best first, ties in catalog order.
fn rank(query: &str) -> Vec<Hit> {
    let words: Vec<Word> = query.split_whitespace().map(Word::new).collect();
    let phrase = Word::new(&query.split_whitespace().collect::<Vec<_>>().join(" "));
    let mut hits = Vec::new();
    'entries: for entry in lark_errors::entries() {
        let hay = Haystack::of(entry);
        let mut score = 0;
        let mut first = None;
        for word in &words {
            let Some((field, s)) = hay.score(word) else { continue 'entries };
            first.get_or_insert(field);
            score += s;
        }
        if words.len() > 1 && !phrase.find_all(hay.message).is_empty() {
            score += 200;
        }
        if let Some(first) = first {
            hits.push(Hit { entry, score, first });
        }
    }
    hits.sort_by_key(|h| std::cmp::Reverse(h.score));
    hits
}

/// Runs `larkerr search`.
pub fn run(args: &Args, s: Printer) -> io::Result<Status> {
    let query = args.query.join(" ");
    let hits = rank(&query);
    let shown = if args.limit == 0 { hits.len() } else { hits.len().min(args.limit) };
    let mut out = output::stdout();
    if args.json {
        let entries: Vec<&Entry> = hits[..shown].iter().map(|h| h.entry).collect();
        serde_json::to_writer_pretty(&mut out, &entries)?;
        writeln!(out)?;
    } else {
        let words: Vec<String> =
            query.to_lowercase().split_whitespace().map(str::to_owned).collect();
        let mut text = String::new();
        for hit in &hits[..shown] {
            write_hit(&mut text, hit, &words, s);
        }
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    if hits.is_empty() {
        output::error(format_args!("nothing matches `{query}`"));
        return Ok(Status::NotFound);
    }
    if shown < hits.len() {
        output::error(format_args!(
            "showing {shown} of {} matches; --limit 0 shows all",
            hits.len()
        ));
    }
    Ok(Status::Found)
}

/// Indentation of a hit's second and third lines.
const INDENT: usize = 10;

/// Appends a hit: code and message, its category and action, and where the advice
/// matched when neither the code nor the message did.
fn write_hit(out: &mut String, hit: &Hit, words: &[String], s: Printer) {
    let entry = hit.entry;
    let code = format!("{:<8}", entry.code());
    s.paint(out, &code, Tone::Strong);
    out.push_str("  ");
    out.push_str(&render::truncate(entry.message(), s.width.saturating_sub(INDENT).max(10)));
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', INDENT));
    let semantics = format!("{} · {}", entry.category(), entry.action());
    s.paint(out, &semantics, Tone::Dim);
    out.push('\n');
    let advice = match hit.first {
        Field::AdviceEn => entry.advice_en(),
        Field::AdviceZh => Some(entry.advice_zh()),
        _ => None,
    };
    if let (Some(advice), Some(word)) = (advice, words.first()) {
        let room = s.width.saturating_sub(INDENT).max(20);
        if let Some(snippet) = snippet(&render::plain(advice), word, room, s) {
            out.extend(std::iter::repeat_n(' ', INDENT));
            out.push_str(&snippet);
            out.push('\n');
        }
    }
}

/// The part of `text` around the first case-insensitive occurrence of `word` (given in
/// lower case), at most `room` columns, with `…` where it was cut and the word in bold
/// on a terminal.
fn snippet(text: &str, word: &str, room: usize, p: Printer) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<String> = chars.iter().map(|c| c.to_lowercase().collect()).collect();
    let target: Vec<char> = word.chars().collect();
    // Find the word as a run of lower-cased characters.
    let start = (0..chars.len()).find(|&i| {
        let mut got = String::new();
        let mut j = i;
        while got.chars().count() < target.len() && j < chars.len() {
            got.push_str(&lower[j]);
            j += 1;
        }
        got.starts_with(word)
    })?;
    let mut end = start;
    let mut got = String::new();
    while !got.starts_with(word) && end < chars.len() {
        got.push_str(&lower[end]);
        end += 1;
    }
    let w = |range: std::ops::Range<usize>| -> usize {
        chars[range].iter().map(|&c| render::char_width(c)).sum()
    };
    // Up to a third of the room before the word, the rest after it.
    let budget = room.saturating_sub(2);
    let mut from = start;
    while from > 0 && w(from - 1..end) <= budget / 3 + w(start..end) {
        from -= 1;
    }
    let mut to = end;
    while to < chars.len() && w(from..to + 1) <= budget {
        to += 1;
    }
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.extend(&chars[from..start]);
    let found: String = chars[start..end].iter().collect();
    p.paint(&mut out, &found, Tone::Bold);
    out.extend(&chars[end..to]);
    if to < chars.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(query: &str) -> Vec<u32> {
        rank(query).iter().map(|h| h.entry.code()).collect()
    }

    #[test]
    fn a_code_prefix_lists_its_family_in_order() {
        let found = codes("9999");
        let family: Vec<u32> = lark_errors::entries()
            .iter()
            .map(|e| e.code())
            .filter(|c| c.to_string().starts_with("9999"))
            .collect();
        assert_eq!(&found[..family.len()], family.as_slice());
    }

    #[test]
    fn an_exact_code_comes_first() {
        assert_eq!(codes("99991400")[0], 99991400);
    }

    #[test]
    fn case_and_language_do_not_matter() {
        assert_eq!(codes("FREQUENCY LIMIT")[0], codes("frequency limit")[0]);
        assert!(!codes("频率").is_empty());
        assert!(!codes("权限").is_empty());
        assert!(codes("no such thing anywhere 123456789").is_empty());
    }

    #[test]
    fn case_is_ignored_in_and_beyond_ascii() {
        assert_eq!(codes("DOESN’T MATCH")[0], 99991301);
        let word = Word::new("ÉLAN");
        assert!(word.unicode_case);
        assert_eq!(word.find_all("un élan, un Élan").len(), 2);
        let word = Word::new("权限 Token");
        assert!(!word.unicode_case);
        assert_eq!(word.find_all("无权限 TOKEN，权限 token").len(), 2);
    }

    #[test]
    fn snippets_fit_and_mark_the_word() {
        let text = "前面有很多很多很多很多很多很多很多很多的文字，然后是频率限制，后面还有很多很多很多很多的文字";
        let s = snippet(text, "频率", 30, Printer::plain(80)).unwrap();
        assert!(render::width(&s) <= 30, "{s}");
        assert!(s.contains("频率") && s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(
            snippet("Rate LIMIT hit", "limit", 80, Printer::plain(80)).as_deref(),
            Some("Rate LIMIT hit")
        );
    }
}
