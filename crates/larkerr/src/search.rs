//! `larkerr search QUERY`: ranked, case-insensitive search over the whole catalog: the
//! generic page's entries, every API page's entries and the APIs' titles and paths.
//!
//! Every word of the query must occur somewhere in a result. A word scores where it
//! occurs best: the code itself, then a code prefix (`9999` finds the 9999xxxx family),
//! then the message, then the entry's meaning (its category and action, by name,
//! description and the library's glosses: "rate limit", "token expired", "限流"), then
//! the reason of its classification, then its API's title or path, then the advice (a
//! little more for each further occurrence). A word not found as written is tried
//! without an English `-s` or `-ed` ending, for a little less. The whole query
//! in the message or in a gloss of the entry's meaning adds a bonus, and so does being
//! one of the codes every client meets ([`lark_errors::platform::code::WELL_KNOWN`]).
//!
//! Results come in tiers, each by score, ties in catalog order: entries whose code is
//! a query word, then the generic page's entries, then per-API entries and APIs. The
//! per-API entries with the same code and message are one result, listing their APIs.
//!
//! Each query reads the library's search corpus ([`lark_errors::catalog::text`]: each
//! distinct text of the catalog once, lower-cased, prepared by codegen) once per word
//! ([`TextIndex`]); only the entries every word reaches (through the corpus's lists of
//! the entries of each text, meaning and API, and the code ranges of number words) are
//! scored ([`Query::candidates`]); per-API entries that repeat the previous entry's text
//! (the same error documented on many pages) reuse its score.

use std::io::{self, Write};

use lark_errors::catalog::text::{self, EntryTexts, TextId};
use lark_errors::catalog::{self, Api};
use lark_errors::platform::code;
use lark_errors::{Action, Category, Entry, TokenKind};
use serde::Serialize;

use crate::Status;
use crate::output::{self, Printer, Tone};
use crate::render;

/// Search the catalog.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words to find: a code or code prefix, English or Chinese, a meaning or an API
    /// title (e.g. `9999`, `frequency limit`, `rate limit`, `token expired`, `权限`,
    /// `发送消息`). Every word must match.
    #[arg(required = true, value_name = "QUERY", value_parser = non_empty)]
    query: Vec<String>,
    /// Show at most N results; 0 shows all. Per-API entries with the same code and
    /// message on several APIs are one result.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Print a JSON array of results, best first, instead (entry objects with `kind`,
    /// `score`, `layer` and `apis`, or API objects with `kind` and `score`; see
    /// schemas/entry.schema.json, `search_hit`).
    #[arg(long)]
    json: bool,
}

fn non_empty(text: &str) -> Result<String, String> {
    if text.trim().is_empty() { Err("the query is empty".to_owned()) } else { Ok(text.to_owned()) }
}

/// Where a query word was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Advice,
    Api,
    Reason,
    Meaning,
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
            Field::Meaning => 150,
            Field::Reason => 100,
            Field::Api => 80,
            Field::Advice => 60,
        }
    }
}

/// Bonus for the whole query in the message or in a gloss of the entry's meaning.
const PHRASE_BONUS: u32 = 200;
/// Bonus for a code every client meets.
const WELL_KNOWN_BONUS: u32 = 300;
/// Less for a word found only without its ending.
const STEM_PENALTY: u32 = 10;

/// A query word, lower-cased, and how to find it.
struct Word {
    text: String,
    /// The word without an English ending (`expired` → `expir`, `limits` → `limit`).
    stems: Vec<Word>,
    /// The word's value when it is all digits (a code or a code prefix).
    number: Option<(u64, u32)>,
    /// The word has letters with case outside ASCII (`É`): compare against lower-cased
    /// text. Otherwise (ASCII, Chinese) a byte search is exact and copies nothing.
    unicode_case: bool,
    /// The word has ASCII letters: search ignoring ASCII case.
    ascii_case: bool,
    /// The offset of the word's rarest byte in English text (see [`rarest`]), which
    /// the ASCII search looks for first.
    rare: usize,
    finder: memchr::memmem::Finder<'static>,
    /// Which category, action and token words the word occurs in.
    meanings: Meanings,
    /// The word's place among the query's forms (see [`TextIndex`]).
    form: usize,
}

impl Word {
    fn new(word: &str) -> Word {
        let mut w = Word::plain(word);
        w.stems = stems(&w.text).into_iter().map(|s| Word::plain(&s)).collect();
        w
    }

    fn plain(word: &str) -> Word {
        let text = word.to_lowercase();
        let unicode_case = text
            .chars()
            .any(|c| !c.is_ascii() && (c.to_uppercase().next() != Some(c) || c.is_uppercase()));
        let number =
            (!text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u64>().ok().map(|n| (n, text.len() as u32)))
                .flatten();
        let ascii_case = text.bytes().any(|b| b.is_ascii_alphabetic());
        let finder = memchr::memmem::Finder::new(text.as_bytes()).into_owned();
        let rare = rarest(text.as_bytes());
        let mut word = Word {
            text,
            rare,
            stems: Vec::new(),
            number,
            unicode_case,
            ascii_case,
            finder,
            meanings: Meanings::default(),
            form: 0,
        };
        word.meanings = Meanings::of(&word);
        word
    }

    /// Byte offsets in `hay` where the word occurs, ignoring case. Every offset is a
    /// character boundary: the word is valid UTF-8 and starts with a whole character.
    fn positions<'h>(&'h self, hay: &'h str) -> Positions<'h> {
        let w = self.text.as_bytes();
        if w.is_empty() || hay.len() < w.len() {
            return Positions::Empty;
        }
        if self.unicode_case {
            // Offsets are into the lower-cased text; only their count and presence are
            // used for such words.
            let lower = hay.to_lowercase();
            let found: Vec<usize> = lower.match_indices(&self.text).map(|(i, _)| i).collect();
            return Positions::Lower(found.into_iter());
        }
        if !self.ascii_case {
            return Positions::Exact(Box::new(self.finder.find_iter(hay.as_bytes())));
        }
        let at = self.rare;
        Positions::Ascii {
            hay: hay.as_bytes(),
            word: w,
            at,
            lower: w[at],
            upper: w[at].to_ascii_uppercase(),
            from: 0,
        }
    }

    fn occurs(&self, hay: &str) -> bool {
        if !self.unicode_case && !self.ascii_case {
            // A byte search is exact: no iterator to set up.
            return !self.text.is_empty() && self.finder.find(hay.as_bytes()).is_some();
        }
        self.positions(hay).next().is_some()
    }

    /// How the word's number relates to `code`: the code itself or a prefix of it.
    fn code_field(&self, code: u32) -> Option<Field> {
        let (n, digits) = self.number?;
        let code_digits = code.checked_ilog10().map_or(1, |d| d + 1);
        if digits > code_digits {
            return None;
        }
        let shifted = u64::from(code) / 10u64.pow(code_digits - digits);
        if shifted != n || self.text.starts_with('0') && code != 0 {
            return None;
        }
        Some(if digits == code_digits { Field::Code } else { Field::CodePrefix })
    }
}

/// The occurrences of a [`Word`] in a text.
enum Positions<'h> {
    Empty,
    Lower(std::vec::IntoIter<usize>),
    Exact(Box<memchr::memmem::FindIter<'h, 'h>>),
    /// ASCII case-insensitive: candidates by the word's rarest byte (`at`) in either
    /// case (a vectorised search), then a comparison of the whole word.
    Ascii {
        hay: &'h [u8],
        word: &'h [u8],
        at: usize,
        lower: u8,
        upper: u8,
        from: usize,
    },
}

impl Iterator for Positions<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Positions::Empty => None,
            Positions::Lower(it) => it.next(),
            Positions::Exact(it) => it.next(),
            Positions::Ascii { hay, word, at, lower, upper, from } => {
                // `from` is where the next word may start; its rare byte is `at` later.
                while *from + word.len() <= hay.len() {
                    let window = &hay[*from + *at..=hay.len() - word.len() + *at];
                    let start = *from + memchr::memchr2(*lower, *upper, window)?;
                    *from = start + 1;
                    if hay[start..start + word.len()].eq_ignore_ascii_case(word) {
                        return Some(start);
                    }
                }
                None
            }
        }
    }
}

/// The offset of the byte of `word` least frequent in English text: letters by their
/// usual frequency, spaces commonest, other ASCII (digits, `_`, punctuation) rarer than
/// any letter. The first of equals.
fn rarest(word: &[u8]) -> usize {
    const BY_FREQUENCY: &[u8] = b" etaoinshrdlcumwfgypbvkjxqz";
    let rank = |b: u8| match BY_FREQUENCY.iter().position(|&f| f == b.to_ascii_lowercase()) {
        Some(i) => i,
        None => BY_FREQUENCY.len(),
    };
    let mut best = 0;
    for (i, &b) in word.iter().enumerate() {
        // Only ASCII bytes: a multi-byte character's bytes are not searched alone.
        if b.is_ascii() && (!word[best].is_ascii() || rank(b) > rank(word[best])) {
            best = i;
        }
    }
    best
}

/// The word without an English inflection ending (`-ed`, `-s`), for words of five
/// letters or more.
fn stems(word: &str) -> Vec<String> {
    if word.len() < 5 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Vec::new();
    }
    // One stem, which also finds the other forms: `expir` finds expire, expires.
    match word.strip_suffix("ed").or_else(|| word.strip_suffix('s')) {
        Some(base) => vec![base.to_owned()],
        None => Vec::new(),
    }
}

/// Which category, action and token words a query word occurs in.
#[derive(Default)]
struct Meanings {
    categories: Vec<bool>,
    actions: Vec<bool>,
    tokens: Vec<bool>,
}

impl Meanings {
    fn of(word: &Word) -> Meanings {
        let any = |names: &[&str]| names.iter().any(|n| word.occurs(n));
        Meanings {
            categories: Category::ALL
                .iter()
                .map(|c| any(&[c.as_str(), c.describe()]) || any(c.glosses()))
                .collect(),
            actions: Action::ALL
                .iter()
                .map(|a| any(&[a.as_str(), a.describe()]) || any(a.glosses()))
                .collect(),
            tokens: TokenKind::ALL.iter().map(|t| any(&[t.as_str()])).collect(),
        }
    }

    fn matches(&self, e: &Entry) -> bool {
        self.categories[e.category().index()]
            || self.actions[e.action().index()]
            || e.token().is_some_and(|t| self.tokens[t.index()])
    }
}

/// What one form of the query found in one text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Occurrence {
    /// How many occurrences (at most 9: more do not count).
    count: u8,
    /// Whether one of those occurrences starts a word.
    starts_word: bool,
}

impl Occurrence {
    /// In one byte: the count in the low four bits, `starts_word` above them (0: none).
    fn pack(self) -> u8 {
        self.count | u8::from(self.starts_word) << 4
    }

    fn unpack(byte: u8) -> Occurrence {
        Occurrence { count: byte & 0x0f, starts_word: byte & 0x10 != 0 }
    }

    fn found(self) -> bool {
        self.count > 0
    }

    /// Counts an occurrence (`starts`: it starts a word).
    fn add(&mut self, starts: bool) {
        if self.count < 9 {
            self.count += 1;
            self.starts_word |= starts;
        }
    }
}

/// What every form of the query (each word, its stem, the whole phrase) finds in each
/// text of the catalog's search corpus ([`lark_errors::catalog::text`]: every distinct
/// text, lower-cased, in one buffer prepared at codegen time). The words are searched
/// for over the whole buffer and their matches mapped back to their texts, so a query
/// reads the catalog's text about once per word and copies nothing: a word with a stem
/// is searched for by its stem (`expir`), and each match that goes on with the rest of
/// the word (`ed`) counts for the word too. The phrase is looked for only in the few
/// texts asked about, when asked.
struct TextIndex {
    /// Per form, its lower-cased text.
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// The searches over the whole buffer.
    passes: Vec<Pass>,
    /// Per form: whether a pass finds it (else it is looked for in a text when asked).
    searched: Vec<bool>,
    /// `finders.len()` occurrences per text of the corpus (for the searched forms),
    /// packed ([`Occurrence::pack`]). Allocated zeroed, so only the pages of texts that
    /// have a match are ever touched.
    found: Vec<u8>,
    /// Per form, the bit of its word in [`Cover`] masks (0 for the phrase, or for a
    /// query too long for masks).
    word_bits: Vec<Mask>,
    /// Per text of the corpus, which words it has (by any of their forms).
    words: Vec<Mask>,
    /// Per word (of a query with masks), the texts that have it, each once.
    matched: Vec<Vec<TextId>>,
}

/// One search over the whole buffer: the matches of form `form`, which are also
/// matches of form `longer` where the text goes on with `rest`.
struct Pass {
    form: usize,
    longer: Option<(usize, Vec<u8>)>,
}

/// Counts an occurrence in a packed [`Occurrence`].
fn add(packed: &mut u8, starts: bool) {
    let mut o = Occurrence::unpack(*packed);
    o.add(starts);
    *packed = o.pack();
}

/// A set of the query's words, bit `i` for word `i`.
type Mask = u16;
/// At most this many words are kept in masks: a longer query scores every entry.
const MASKED_WORDS: usize = Mask::BITS as usize;

impl TextIndex {
    /// The index of `forms` (numbered by [`Word::form`]) with a pass per word of
    /// `words` and per further stem; the other forms (the phrase) are not searched in bulk.
    fn new(forms: &[&Word], words: &[Word]) -> TextIndex {
        let mut passes = Vec::new();
        for w in words {
            let mut stems = w.stems.iter();
            match stems.next() {
                Some(stem) if w.text.starts_with(&stem.text) => {
                    let rest = w.text.as_bytes()[stem.text.len()..].to_vec();
                    passes.push(Pass { form: stem.form, longer: Some((w.form, rest)) });
                }
                Some(stem) => {
                    passes.push(Pass { form: w.form, longer: None });
                    passes.push(Pass { form: stem.form, longer: None });
                }
                None => passes.push(Pass { form: w.form, longer: None }),
            }
            passes.extend(stems.map(|s| Pass { form: s.form, longer: None }));
        }
        let mut searched = vec![false; forms.len()];
        for p in &passes {
            for form in std::iter::once(p.form).chain(p.longer.as_ref().map(|l| l.0)) {
                if let Some(s) = searched.get_mut(form) {
                    *s = true;
                }
            }
        }
        TextIndex {
            finders: forms
                .iter()
                .map(|w| memchr::memmem::Finder::new(w.text.as_bytes()).into_owned())
                .collect(),
            passes,
            searched,
            found: Vec::new(),
            word_bits: vec![0; forms.len()],
            words: Vec::new(),
            matched: Vec::new(),
        }
    }

    /// Searches the corpus for every word.
    fn build(&mut self) {
        let forms = self.finders.len();
        let lower = text::lower().as_bytes();
        self.found = vec![0; text::len() * forms];
        self.words = vec![0; text::len()];
        // As many lists as words with a bit (the highest bit's word is the last).
        let words = self.word_bits.iter().filter(|b| **b != 0).map(|b| b.trailing_zeros() + 1);
        self.matched = vec![Vec::new(); words.max().unwrap_or(0) as usize];
        for pass in &self.passes {
            let Some(finder) = self.finders.get(pass.form).filter(|f| !f.needle().is_empty())
            else {
                continue;
            };
            let bit = self.word_bits.get(pass.form).copied().unwrap_or(0);
            for at in finder.find_iter(lower) {
                let Some(id) = text::containing(at) else { continue };
                let starts = starts_word(lower, at);
                let slot = id.index() * forms;
                add(&mut self.found[slot + pass.form], starts);
                if bit != 0 && self.words[id.index()] & bit == 0 {
                    if let Some(texts) = self.matched.get_mut(bit.trailing_zeros() as usize) {
                        texts.push(id);
                    }
                }
                self.words[id.index()] |= bit;
                if let Some((longer, rest)) = &pass.longer {
                    if lower[at + finder.needle().len()..].starts_with(rest) {
                        add(&mut self.found[slot + longer], starts);
                    }
                }
            }
        }
    }

    /// What form `form` found in the corpus text `id`, or, without one (a text the
    /// corpus does not hold), in `text` searched alone.
    fn get(&self, id: Option<TextId>, text: &str, form: usize) -> Occurrence {
        match id {
            Some(id) if self.searched.get(form) == Some(&true) => Occurrence::unpack(
                self.found.get(id.index() * self.finders.len() + form).copied().unwrap_or(0),
            ),
            Some(id) => self.search_alone(text::text(id), form),
            None => self.search_alone(&text.to_lowercase(), form),
        }
    }

    /// What form `form` finds in `lower`, a lower-cased text.
    fn search_alone(&self, lower: &str, form: usize) -> Occurrence {
        let mut found = Occurrence::default();
        let Some(finder) = self.finders.get(form).filter(|f| !f.needle().is_empty()) else {
            return found;
        };
        for at in finder.find_iter(lower.as_bytes()) {
            found.add(starts_word(lower.as_bytes(), at));
        }
        found
    }
}

/// Whether position `at` of the UTF-8 text `text` starts a word: no letter or digit
/// just before it.
fn starts_word(text: &[u8], at: usize) -> bool {
    let before = &text[at.saturating_sub(4)..at];
    // The last character before `at`, from at most its four bytes.
    let last = (0..before.len())
        .find_map(|i| std::str::from_utf8(&before[i..]).ok())
        .and_then(|s| s.chars().next_back());
    last.is_none_or(|c| !c.is_alphanumeric())
}

/// The query, prepared once.
struct Query {
    words: Vec<Word>,
    /// The whole query, for the phrase bonus (multi-word queries only).
    phrase: Option<Word>,
    /// Whether the phrase occurs in a gloss of each category and action.
    phrase_categories: Vec<bool>,
    phrase_actions: Vec<bool>,
    /// Per word: whether some API's title or path has it (set by [`api_fields`]).
    in_some_api: Vec<bool>,
    /// The catalog's texts as searched for the query's forms.
    index: TextIndex,
    /// Which words each meaning and API has, for [`Query::candidates`]; `None` for a
    /// query of more than [`MASKED_WORDS`] words (then every entry is scored).
    cover: Option<Cover>,
}

/// Bit masks of the query's words (bit `i`: word `i`), so that an entry no result can
/// come from is passed over with a few loads instead of being scored.
struct Cover {
    /// Per category, action and token ([`Category::index`] ...): the words that match
    /// it by meaning.
    categories: Vec<Mask>,
    actions: Vec<Mask>,
    tokens: Vec<Mask>,
    /// Per API ([`catalog::apis`] order): the words in its title or path.
    apis: Vec<Mask>,
}

impl Query {
    fn new(query: &str) -> Query {
        let mut words: Vec<Word> = query.split_whitespace().map(Word::new).collect();
        let mut phrase = (words.len() > 1)
            .then(|| Word::plain(&query.split_whitespace().collect::<Vec<_>>().join(" ")));
        // Number the forms: each word, then its stems; the phrase last.
        let mut n = 0;
        for w in &mut words {
            w.form = n;
            n += 1;
            for stem in &mut w.stems {
                stem.form = n;
                n += 1;
            }
        }
        if let Some(p) = &mut phrase {
            p.form = n;
        }
        let forms: Vec<&Word> = words
            .iter()
            .flat_map(|w| std::iter::once(w).chain(&w.stems))
            .chain(phrase.as_ref())
            .collect();
        let mut index = TextIndex::new(&forms, &words);
        if words.len() <= MASKED_WORDS {
            for (i, w) in words.iter().enumerate() {
                for f in std::iter::once(w).chain(&w.stems) {
                    index.word_bits[f.form] = 1 << i;
                }
            }
        }
        let in_glosses =
            |glosses: &[&str]| phrase.as_ref().is_some_and(|p| glosses.iter().any(|g| p.occurs(g)));
        let phrase_categories = Category::ALL.iter().map(|c| in_glosses(c.glosses())).collect();
        let phrase_actions = Action::ALL.iter().map(|a| in_glosses(a.glosses())).collect();
        let in_some_api = vec![true; words.len()];
        let cover = (words.len() <= MASKED_WORDS).then(|| Cover::new(&words));
        Query { words, phrase, phrase_categories, phrase_actions, in_some_api, index, cover }
    }

    /// The entries that may be results, by number ([`text::entry`]): those in which
    /// every word occurs somewhere (their texts, meaning or code) or in their API's title
    /// or path. Exactly the entries that [`Query::entry_text`] and the API scores do not
    /// reject; the others are never looked at. Made from the corpus's lists (which
    /// entries have a text, a meaning, an API) and the code ranges of number words;
    /// `None` for a query without masks (then every entry is scored).
    fn candidates(&self) -> Option<Bits> {
        let c = self.cover.as_ref()?;
        let n = text::entry_count();
        let mut all: Option<Bits> = None;
        for (i, w) in self.words.iter().enumerate() {
            let bit: Mask = 1 << i;
            let mut b = Bits::new(n);
            for &id in self.index.matched.get(i).map_or(&[][..], Vec::as_slice) {
                b.set_all(text::entries_with_text(id));
            }
            for (k, category) in Category::ALL.iter().enumerate() {
                if c.categories[k] & bit != 0 {
                    b.set_all(text::entries_of_category(*category));
                }
            }
            for (k, action) in Action::ALL.iter().enumerate() {
                if c.actions[k] & bit != 0 {
                    b.set_all(text::entries_of_action(*action));
                }
            }
            for (k, token) in TokenKind::ALL.iter().enumerate() {
                if c.tokens[k] & bit != 0 {
                    b.set_all(text::entries_of_token(*token));
                }
            }
            for (a, &m) in c.apis.iter().enumerate() {
                if m & bit != 0 {
                    b.set_all(text::entries_of_api(a));
                }
            }
            if w.number.is_some() {
                set_codes(w, &mut b);
            }
            all = Some(match all {
                None => b,
                Some(mut acc) => {
                    acc.and(&b);
                    acc
                }
            });
        }
        Some(all.unwrap_or_else(|| Bits::new(n)))
    }

    /// What `form` finds in a catalog text: the corpus text `id`, else `text` itself.
    fn find_in(&self, form: &Word, id: Option<TextId>, text: &str) -> Occurrence {
        self.index.get(id, text, form.form)
    }

    /// Where word `i` occurs best in `entry`'s own text (its API aside), and the score.
    fn word_in_entry(
        &self,
        word: &Word,
        entry: &Entry,
        ids: Option<&EntryTexts>,
    ) -> Option<(Field, u32)> {
        if let Some(field) = word.code_field(entry.code()) {
            return Some((field, field.score()));
        }
        // Field by field, the word as written, then its stems for a little less.
        let forms =
            || std::iter::once((word, 0)).chain(word.stems.iter().map(|s| (s, STEM_PENALTY)));
        for (w, less) in forms() {
            let found = self.find_in(w, ids.map(|t| t.message), entry.message());
            if found.found() {
                let bonus = if entry.message().len() == w.text.len() {
                    400
                } else if found.starts_word {
                    100
                } else {
                    0
                };
                return Some((Field::Message, Field::Message.score() + bonus - less));
            }
        }
        for (w, less) in forms() {
            if w.meanings.matches(entry) {
                return Some((Field::Meaning, Field::Meaning.score() - less));
            }
        }
        for (w, less) in forms() {
            if self.find_in(w, ids.map(|t| t.reason), entry.reason()).found() {
                return Some((Field::Reason, Field::Reason.score() - less));
            }
        }
        for (w, less) in forms() {
            let en = match (ids, entry.advice_en()) {
                (_, None) => Occurrence::default(),
                (Some(t), Some(en)) => self.find_in(w, t.advice_en, en),
                (None, Some(en)) => self.find_in(w, None, en),
            };
            let zh = self.find_in(w, ids.map(|t| t.advice_zh), entry.advice_zh());
            let n = u32::from(en.count) + u32::from(zh.count);
            // Further occurrences count a little, so an entry about the word ranks above
            // one that mentions it in passing.
            if n > 0 {
                return Some((Field::Advice, Field::Advice.score() + 5 * (n - 1).min(8) - less));
            }
        }
        None
    }

    /// The score of `entry`'s own text: per word its best field (`None` when a word
    /// occurs nowhere in it, its API aside), the phrase bonus and the well-known bonus.
    fn entry_text(&self, entry: &Entry, ids: Option<&EntryTexts>, out: &mut EntryText) {
        out.words.clear();
        out.bonus = 0;
        out.well_known = code::is_well_known(entry.code());
        out.rejected = false;
        for (i, w) in self.words.iter().enumerate() {
            let found = self.word_in_entry(w, entry, ids);
            out.words.push(found);
            // A word found nowhere rejects the entry unless some API's title or path
            // has it: the other words need not be looked for.
            if found.is_none() && !self.in_some_api[i] {
                out.rejected = true;
                return;
            }
        }
        if let Some(phrase) = &self.phrase {
            let in_meaning = self.phrase_categories[entry.category().index()]
                || self.phrase_actions[entry.action().index()];
            if in_meaning || self.find_in(phrase, ids.map(|t| t.message), entry.message()).found() {
                out.bonus += PHRASE_BONUS;
            }
        }
    }
}

/// A set of entry numbers ([`text::entry`]).
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn set(&mut self, i: usize) {
        if let Some(word) = self.0.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    fn set_all(&mut self, numbers: &[u32]) {
        for &i in numbers {
            self.set(i as usize);
        }
    }

    fn and(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    /// The numbers in the set, ascending.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    k * 64 + bit
                })
            })
        })
    }
}

/// Adds the entries whose code the number word `w` is or begins ([`Word::code_field`]):
/// for each length of code from the word's up, the range of codes it begins, found by
/// binary search in the code-ordered tables.
fn set_codes(w: &Word, b: &mut Bits) {
    let Some((n, digits)) = w.number else { return };
    let parts =
        [(lark_errors::entries(), 0), (catalog::api_entries(), lark_errors::entries().len())];
    for length in digits..=10 {
        let scale = 10u64.pow(length - digits);
        let (lo, hi) = (n.saturating_mul(scale), n.saturating_add(1).saturating_mul(scale));
        if lo > u64::from(u32::MAX) {
            break;
        }
        for (entries, first) in parts {
            let from = entries.partition_point(|e| u64::from(e.code()) < lo);
            let to = entries.partition_point(|e| u64::from(e.code()) < hi);
            for (k, e) in entries[from..to].iter().enumerate() {
                // The range is every code the word may begin; the word decides (a
                // leading zero begins no code but 0).
                if w.code_field(e.code()).is_some() {
                    b.set(first + from + k);
                }
            }
        }
    }
}

impl Cover {
    /// The masks of `words` (at most [`MASKED_WORDS`]); the APIs' masks are filled by
    /// [`Cover::set_apis`].
    fn new(words: &[Word]) -> Cover {
        let bit = |i: usize| -> Mask { 1 << i };
        let by_meaning = |n: usize, has: &dyn Fn(&Meanings, usize) -> bool| -> Vec<Mask> {
            (0..n)
                .map(|k| {
                    let mut m = 0;
                    for (i, w) in words.iter().enumerate() {
                        if std::iter::once(w).chain(&w.stems).any(|f| has(&f.meanings, k)) {
                            m |= bit(i);
                        }
                    }
                    m
                })
                .collect()
        };
        Cover {
            categories: by_meaning(Category::ALL.len(), &|m, k| m.categories[k]),
            actions: by_meaning(Action::ALL.len(), &|m, k| m.actions[k]),
            tokens: by_meaning(TokenKind::ALL.len(), &|m, k| m.tokens[k]),
            apis: Vec::new(),
        }
    }

    /// Fills the APIs' masks from their scores (`[word][api]`, [`api_fields`]).
    fn set_apis(&mut self, scores: &[Vec<Option<u32>>]) {
        self.apis = vec![0; catalog::apis().len()];
        for (i, per_api) in scores.iter().enumerate() {
            for (a, score) in per_api.iter().enumerate() {
                if score.is_some() {
                    self.apis[a] |= 1 << i;
                }
            }
        }
    }
}

/// The score of an entry's own text, reusable by the next entry with the same text.
#[derive(Default)]
struct EntryText {
    words: Vec<Option<(Field, u32)>>,
    bonus: u32,
    /// One of the codes every client meets: a head start, unless the query is a code
    /// (a code prefix lists its family in code order).
    well_known: bool,
    /// A word occurs nowhere in the entry or any API: not a result.
    rejected: bool,
}

/// Whether two entries have the same searchable text (their APIs aside).
fn same_text(a: &Entry, b: &Entry) -> bool {
    // The catalog shares its texts: the same address is the same text, and only
    // different addresses need comparing.
    let same = |x: &str, y: &str| std::ptr::eq(x, y) || x == y;
    a.code() == b.code()
        && a.category() == b.category()
        && a.action() == b.action()
        && a.token() == b.token()
        && same(a.message(), b.message())
        && same(a.reason(), b.reason())
        && same(a.advice_zh(), b.advice_zh())
        && a.advice_en().zip(b.advice_en()).is_none_or(|(x, y)| same(x, y))
        && a.advice_en().is_some() == b.advice_en().is_some()
}

/// What a result is.
#[derive(Debug)]
enum Target {
    /// An entry; for a per-API entry, `others` are the entries with the same code and
    /// message on other APIs (or pages), in catalog order.
    Entry { entry: &'static Entry, others: Vec<&'static Entry> },
    /// An API, by its title or path.
    Api(&'static Api),
}

/// A result with its score, tier and where its first word matched best.
#[derive(Debug)]
struct Hit {
    target: Target,
    score: u32,
    /// 0: a query word is the code; 1: the generic page; 2: API pages and APIs.
    tier: u8,
    first: Field,
}

/// Scores of the APIs' titles and paths for each word: `[word][api]`.
fn api_fields(query: &Query) -> Vec<Vec<Option<u32>>> {
    query
        .words
        .iter()
        .map(|w| {
            text::apis()
                .map(|(api, ids)| {
                    let title = api.title();
                    let in_title = query.find_in(w, Some(ids.title), title);
                    match in_title {
                        _ if !in_title.found() => {
                            query.find_in(w, Some(ids.path), api.path()).found().then_some(150)
                        }
                        _ if title.len() == w.text.len() => Some(600),
                        _ if in_title.starts_word => Some(300),
                        _ => Some(200),
                    }
                })
                .collect()
        })
        .collect()
}

/// Ranks the catalog against `query`: tiers, then best first, ties in catalog order.
fn rank(query: &str) -> Vec<Hit> {
    rank_query(Query::new(query))
}

/// [`rank`] for a prepared query.
fn rank_query(mut q: Query) -> Vec<Hit> {
    q.index.build();
    let api_scores = api_fields(&q);
    q.in_some_api = api_scores.iter().map(|s| s.iter().any(Option::is_some)).collect();
    if let Some(cover) = &mut q.cover {
        cover.set_apis(&api_scores);
    }
    let mut hits = Vec::new();

    // `api`: the entry's API by its index in `catalog::apis` (the corpus knows it).
    let score_entry = |entry: &'static Entry, api: Option<usize>, text: &EntryText| {
        if text.rejected {
            return None;
        }
        let mut score = text.bonus;
        let mut first = None;
        let mut exact = false;
        for (i, found) in text.words.iter().enumerate() {
            let via_api =
                api.and_then(|a| api_scores[i][a]).map(|_| (Field::Api, Field::Api.score()));
            let (field, s) = match (*found, via_api) {
                (Some(a), Some(b)) => a.max(b),
                (a, b) => a.or(b)?,
            };
            exact |= field == Field::Code;
            first.get_or_insert(field);
            score += s;
        }
        let by_code = text.words.iter().flatten().any(|(f, _)| *f >= Field::CodePrefix);
        if text.well_known && !by_code {
            score += WELL_KNOWN_BONUS;
        }
        let tier = if exact {
            0
        } else if entry.is_generic() {
            1
        } else {
            2
        };
        Some(Hit {
            target: Target::Entry { entry, others: Vec::new() },
            score,
            tier,
            first: first?,
        })
    };

    let mut text = EntryText::default();
    let candidates = q.candidates();
    let numbers: Box<dyn Iterator<Item = usize>> = match &candidates {
        Some(bits) => Box::new(bits.iter()),
        None => Box::new(0..text::entry_count()),
    };
    let generic = lark_errors::entries().len();
    // Per-API entries, grouped by code and message. The entries come in code order, so
    // the groups of one code are together: the messages seen for the current code and
    // their results.
    let mut seen: Vec<(&'static str, usize)> = Vec::new();
    let mut seen_code = None;
    let mut previous: Option<&'static Entry> = None;
    for n in numbers {
        let Some((entry, ids)) = text::entry(n) else { continue };
        if n < generic {
            // The generic page's entries, each its own result.
            q.entry_text(entry, Some(&ids), &mut text);
            hits.extend(score_entry(entry, ids.api, &text));
            continue;
        }
        if !previous.is_some_and(|p| same_text(p, entry)) {
            q.entry_text(entry, Some(&ids), &mut text);
            previous = Some(entry);
        }
        let Some(hit) = score_entry(entry, ids.api, &text) else { continue };
        if seen_code != Some(entry.code()) {
            seen.clear();
            seen_code = Some(entry.code());
        }
        match seen.iter().find(|(m, _)| *m == entry.message()).map(|&(_, i)| i) {
            Some(i) => {
                let group: &mut Hit = &mut hits[i];
                let Target::Entry { entry: best, others } = &mut group.target else { continue };
                if hit.score > group.score {
                    others.push(std::mem::replace(best, entry));
                    group.score = hit.score;
                    group.first = hit.first;
                    group.tier = group.tier.min(hit.tier);
                } else {
                    others.push(entry);
                }
            }
            None => {
                seen.push((entry.message(), hits.len()));
                hits.push(hit);
            }
        }
    }
    // The APIs themselves: every word in the title or the path.
    'apis: for (a, (api, ids)) in text::apis().enumerate() {
        let mut score = 0;
        for scores in &api_scores {
            let Some(s) = scores[a] else { continue 'apis };
            score += s;
        }
        if q.phrase.as_ref().is_some_and(|p| q.find_in(p, Some(ids.title), api.title()).found()) {
            score += PHRASE_BONUS;
        }
        hits.push(Hit { target: Target::Api(api), score, tier: 2, first: Field::Api });
    }
    hits.sort_by_key(|h| (h.tier, std::cmp::Reverse(h.score)));
    for hit in &mut hits {
        if let Target::Entry { others, .. } = &mut hit.target {
            // The group's other entries in catalog order (the best one may have been
            // swapped out of its place).
            others.sort_by_key(|e| (e.source().file, e.line()));
        }
    }
    hits
}

/// Runs `larkerr search`.
pub fn run(args: &Args, s: Printer) -> io::Result<Status> {
    let query = args.query.join(" ");
    let hits = rank(&query);
    let shown = if args.limit == 0 { hits.len() } else { hits.len().min(args.limit) };
    let mut out = output::stdout();
    if args.json {
        let results: Vec<JsonHit> = hits[..shown].iter().map(JsonHit::of).collect();
        serde_json::to_writer_pretty(&mut out, &results)?;
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

/// A result as JSON: an entry object or an API object, with what kind it is and its
/// score (`schemas/entry.schema.json`, `#/$defs/search_hit`).
#[derive(Serialize)]
#[serde(untagged)]
enum JsonHit {
    Entry {
        kind: &'static str,
        score: u32,
        /// `generic` or `api`.
        layer: &'static str,
        #[serde(flatten)]
        entry: &'static Entry,
        /// Every API documenting this code and message, the entry's own first.
        apis: Vec<ApiRef>,
    },
    Api {
        kind: &'static str,
        score: u32,
        #[serde(flatten)]
        api: &'static Api,
    },
}

/// An API named by a result: method, path and title.
#[derive(Serialize)]
struct ApiRef {
    method: &'static str,
    path: &'static str,
    title: &'static str,
}

impl JsonHit {
    fn of(hit: &Hit) -> JsonHit {
        match &hit.target {
            Target::Entry { entry, others } => JsonHit::Entry {
                kind: "entry",
                score: hit.score,
                layer: if entry.is_generic() { "generic" } else { "api" },
                entry,
                apis: std::iter::once(*entry)
                    .chain(others.iter().copied())
                    .filter_map(Entry::api)
                    .map(|a| ApiRef {
                        method: a.method().as_str(),
                        path: a.path(),
                        title: a.title(),
                    })
                    .collect(),
            },
            Target::Api(api) => JsonHit::Api { kind: "api", score: hit.score, api },
        }
    }
}

/// Indentation of a hit's further lines.
const INDENT: usize = 10;

/// Appends a hit: code and message, its category and action, for a per-API entry its
/// API and how many more APIs document it, and where the advice matched when nothing
/// better did; for an API its method and path, title, area and rate limit.
fn write_hit(out: &mut String, hit: &Hit, words: &[String], s: Printer) {
    let room = s.width.saturating_sub(INDENT).max(10);
    let line = |out: &mut String, text: &str, tone: Tone| {
        out.extend(std::iter::repeat_n(' ', INDENT));
        s.paint(out, &render::truncate(text, room), tone);
        out.push('\n');
    };
    let (entry, others) = match &hit.target {
        Target::Api(api) => {
            s.paint(out, &format!("{:<8}", "API"), Tone::Strong);
            out.push_str("  ");
            out.push_str(&output::elide_middle(&api.to_string(), room));
            out.push('\n');
            let mut about = format!("{} · area {}", api.title(), api.area());
            if let Some(limit) = api.rate_limit() {
                about.push_str(&format!(" · {limit}"));
            }
            let n = api.entries().len();
            about.push_str(&format!(
                " · {n} documented {}",
                if n == 1 { "error" } else { "errors" }
            ));
            line(out, &about, Tone::Dim);
            return;
        }
        Target::Entry { entry, others } => (*entry, others),
    };
    s.paint(out, &format!("{:<8}", entry.code()), Tone::Strong);
    out.push_str("  ");
    out.push_str(&render::truncate(entry.message(), room));
    out.push('\n');
    let mut semantics = format!("{} · {}", entry.category(), entry.action());
    if !entry.is_generic() {
        if let Some(status) = entry.http_status() {
            semantics.push_str(&format!(" · HTTP {status}"));
        }
    }
    line(out, &semantics, Tone::Dim);
    if !entry.is_generic() {
        let more = others.iter().filter(|e| e.api().is_some()).count();
        let and_more = match more {
            0 => String::new(),
            1 => " · and 1 more API".to_owned(),
            n => format!(" · and {n} more APIs"),
        };
        match entry.api() {
            Some(api) => {
                // A path's end says most: cut long ones in the middle.
                line(out, &output::elide_middle(&api.to_string(), room), Tone::Plain);
                line(out, &format!("{}{and_more}", api.title()), Tone::Dim);
            }
            None => line(out, &format!("page: {}{and_more}", entry.source().title), Tone::Dim),
        }
    }
    let advice = match hit.first {
        Field::Advice => {
            let word = words.first().map(String::as_str).unwrap_or("");
            match entry.advice_en() {
                Some(en) if Word::plain(word).occurs(en) => Some(en),
                _ => Some(entry.advice_zh()),
            }
        }
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
        rank(query)
            .iter()
            .filter_map(|h| match h.target {
                Target::Entry { entry, .. } => Some(entry.code()),
                Target::Api(_) => None,
            })
            .collect()
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
    fn an_exact_code_comes_first_generic_then_per_api() {
        assert_eq!(codes("99991400")[0], 99991400);
        // 1254018 is documented only on API pages: one result per distinct message.
        let hits = rank("1254018");
        let messages: std::collections::HashSet<&str> =
            lark_errors::lookup_apis(1254018).iter().map(|e| e.message()).collect();
        assert_eq!(hits.iter().filter(|h| h.tier == 0).count(), messages.len());
        assert!(hits[0].tier == 0);
        // A code on both kinds of page: the generic entry first.
        let both = lark_errors::api_entries()
            .iter()
            .find(|e| !lark_errors::lookup(e.code()).is_empty() && e.parent_code().is_none())
            .unwrap();
        let hits = rank(&both.code().to_string());
        let Target::Entry { entry, .. } = hits[0].target else { panic!() };
        assert!(entry.is_generic() && entry.code() == both.code());
    }

    #[test]
    fn groups_hold_every_per_api_entry_once() {
        let hits = rank("230002");
        let mut n = 0;
        for hit in &hits {
            if let Target::Entry { entry, others } = &hit.target {
                if entry.code() == 230002 {
                    assert!(others.iter().all(|o| o.message() == entry.message()));
                    n += 1 + others.len();
                }
            }
        }
        assert_eq!(n, lark_errors::lookup_apis(230002).len());
    }

    #[test]
    fn meaning_words_find_what_the_message_does_not_say() {
        assert_eq!(codes("rate limit")[0], code::FREQUENCY_LIMIT);
        let top = &codes("token expired")[..5];
        assert!(top.contains(&code::INVALID_ACCESS_TOKEN), "{top:?}");
        assert!(top.contains(&code::USER_ACCESS_TOKEN_EXPIRED), "{top:?}");
        assert!(codes("限流").contains(&code::FREQUENCY_LIMIT));
    }

    #[test]
    fn api_titles_are_found() {
        let api = catalog::route(lark_errors::Method::Post, "/open-apis/im/v1/messages").unwrap();
        let hits = rank(api.title());
        assert!(
            hits.iter().any(|h| matches!(h.target, Target::Api(a) if std::ptr::eq(a, api))),
            "{}",
            api.title()
        );
        // The corpus knows the API of each of its entries by index.
        let ids = text::of_entry(api.entries()[0]).unwrap();
        assert_eq!(ids.api.map(|i| &catalog::apis()[i]), Some(api));
    }

    #[test]
    fn the_ascii_search_starts_from_the_rarest_byte() {
        assert_eq!(rarest(b"rate"), 0); // r is rarer than a, t, e
        assert_eq!(rarest(b"limit"), 2); // m
        assert_eq!(rarest(b"token"), 1 + 1); // k
        assert_eq!(rarest(b"app_id"), 3);
        assert_eq!(rarest("权限token".as_bytes()), 6 + 2);
        for (word, hay, at) in [
            ("token", "an access TOKEN, a token", Some(10)),
            ("app_id", "the APP_ID or app_id", Some(4)),
            ("zz", "z", None),
            ("权限token", "无权限TOKEN", Some(3)),
        ] {
            assert_eq!(Word::plain(word).positions(hay).next(), at, "{word} in {hay}");
        }
    }

    #[test]
    fn stems_drop_english_endings() {
        assert_eq!(stems("expired"), ["expir"]);
        assert_eq!(stems("limits"), ["limit"]);
        assert!(stems("token").is_empty() && stems("权限过期").is_empty());
    }

    #[test]
    fn code_fields() {
        let w = Word::new("9999");
        assert_eq!(w.code_field(99991400), Some(Field::CodePrefix));
        assert_eq!(w.code_field(9999), Some(Field::Code));
        assert_eq!(w.code_field(999), None);
        assert_eq!(w.code_field(19999), None);
        assert_eq!(Word::new("099").code_field(99), None);
        assert_eq!(Word::new("12345678901").code_field(1), None);
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
        assert_eq!(occurs(&word, "un élan, un Élan").count, 2);
        let word = Word::new("权限 Token");
        assert!(!word.unicode_case);
        assert_eq!(occurs(&word, "无权限 TOKEN，权限 token").count, 2);
        let word = Word::new("rate");
        assert_eq!(occurs(&word, "operate at a rate"), Occurrence { count: 2, starts_word: true });
        assert_eq!(occurs(&word, "operate"), Occurrence { count: 1, starts_word: false });
        assert_eq!(occurs(&word, "RATE"), Occurrence { count: 1, starts_word: true });
        assert_eq!(occurs(&word, "rat"), Occurrence::default());
        assert!(starts_word("a 权限".as_bytes(), 2) && !starts_word("x权限".as_bytes(), 1));
        assert!(!starts_word("限ab".as_bytes(), 3) && starts_word("，ab".as_bytes(), 3));
    }

    /// What `word` finds in `text`, searched alone as `rank` searches a text the corpus
    /// does not hold.
    fn occurs(word: &Word, text: &str) -> Occurrence {
        TextIndex::new(&[word], &[]).get(None, text, 0)
    }

    #[test]
    fn passing_over_entries_by_their_masks_changes_no_result() {
        // Codes, prefixes, English with stems, Chinese, meanings, API titles and paths,
        // several words, words found only through an API, and nothing at all.
        for query in [
            "99991663",
            "9999",
            "rate limit",
            "token expired",
            "Frequency LIMITS",
            "权限",
            "发送消息",
            "im/v1/messages",
            "permission denied 1254",
            "retry",
            "refresh_token",
            "drive 403",
            "nothing-matches-this",
            // Numbers: zero, a leading zero, a full ten digits, beyond 32 bits.
            "0",
            "099 token",
            "1000000000",
            "99999999999",
            // As many words as a mask holds, and one more (then nothing is passed over).
            &"token ".repeat(MASKED_WORDS),
            &"limit ".repeat(MASKED_WORDS + 1),
        ] {
            let quick = rank(query);
            assert_eq!(
                Query::new(query).cover.is_some(),
                query.split_whitespace().count() <= MASKED_WORDS
            );
            let mut q = Query::new(query);
            q.cover = None;
            let full = rank_query(q);
            let key = |hits: &[Hit]| -> Vec<String> {
                hits.iter()
                    .map(|h| format!("{:?} {} {} {:?}", h.target, h.score, h.tier, h.first))
                    .collect()
            };
            assert_eq!(key(&quick), key(&full), "{query}");
        }
    }

    #[test]
    fn the_corpus_index_finds_what_a_text_searched_alone_does() {
        // Words in English and Chinese, with case, words with stems (searched by the
        // stem), in messages, reasons and advice, and the phrase (searched when asked).
        let mut index = Query::new("token Rate 权限 limits expired 飞书 e not").index;
        index.build();
        let forms = index.finders.len();
        assert_eq!(forms, 8 + 2 + 1, "eight words, two stems, the phrase");
        assert!(index.searched[..forms - 1].iter().all(|s| *s) && !index.searched[forms - 1]);
        let mut found = vec![0; forms];
        for e in lark_errors::entries().iter().chain(catalog::api_entries()).step_by(5) {
            let ids = text::of_entry(e).unwrap();
            let texts = [
                (ids.message, e.message()),
                (ids.reason, e.reason()),
                (ids.advice_zh, e.advice_zh()),
            ];
            for (id, t) in texts {
                for (form, n) in found.iter_mut().enumerate() {
                    let occurrence = index.get(Some(id), t, form);
                    assert_eq!(occurrence, index.get(None, t, form), "form {form} in {t:?}");
                    *n += usize::from(occurrence.found());
                }
            }
        }
        // Every form but the phrase is found somewhere (the test exercises each).
        assert!(found[..forms - 1].iter().all(|&n| n > 0), "{found:?}");
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
