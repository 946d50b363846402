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
//! Each query reads each distinct text of the catalog once: lower-cased into one
//! buffer searched once per query form ([`TextIndex`]); per-API entries that repeat
//! the previous entry's text (the same error documented on many pages) reuse its score.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Write};

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

/// A multiplicative hasher for addresses (FxHash's step): the keys are not chosen by
/// anyone, so no defence against collisions is needed, and hashing stays a few cycles.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
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
        index(Category::ALL, e.category()).is_some_and(|i| self.categories[i])
            || index(Action::ALL, e.action()).is_some_and(|i| self.actions[i])
            || e.token().and_then(|t| index(TokenKind::ALL, t)).is_some_and(|i| self.tokens[i])
    }
}

/// The position of `x` in `all` (one of the library's `ALL` lists).
fn index<T: PartialEq>(all: &[T], x: T) -> Option<usize> {
    all.iter().position(|y| *y == x)
}

/// What one form of the query found in one text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Occurrence {
    /// The first occurrence that starts a word, else the first, with whether it does.
    first: Option<(usize, bool)>,
    /// How many occurrences (at most 9: more do not count).
    count: u8,
}

/// The catalog's texts as searched for every form of the query (each word, its stem,
/// the whole phrase). Each distinct text (by address: the catalog shares its texts, a
/// classification's reason among hundreds of entries, an advice among the pages that
/// repeat it) is lower-cased once into one buffer, and each form is searched for once
/// over the whole buffer; the matches are then mapped back to their texts. So a query
/// reads the catalog's text once per form, with no per-text set-up.
struct TextIndex {
    /// Per form, its lower-cased text.
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// A form has letters with case outside ASCII: lower-case texts fully (slower).
    unicode: bool,
    /// Text (address, length) → its number.
    ids: HashMap<(usize, usize), u32, BuildHasherDefault<AddressHasher>>,
    /// Per text number, where it starts in `lower`.
    starts: Vec<usize>,
    /// Every text, lower-cased, each followed by a NUL (no form contains one, so no
    /// match spans two texts, and a text's start is a word start).
    lower: Vec<u8>,
    /// `finders.len()` occurrences per text.
    found: Vec<Occurrence>,
}

impl TextIndex {
    fn new(forms: &[&Word]) -> TextIndex {
        TextIndex {
            finders: forms
                .iter()
                .map(|w| memchr::memmem::Finder::new(w.text.as_bytes()).into_owned())
                .collect(),
            unicode: forms.iter().any(|w| w.unicode_case),
            ids: HashMap::default(),
            starts: Vec::new(),
            lower: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Adds every searchable text of the catalog and searches them.
    fn build(&mut self) {
        // About as many distinct texts as the catalog has: no rehashing.
        self.ids.reserve(16_384);
        self.lower.reserve(1 << 20);
        let mut previous: [&str; 4] = [""; 4];
        for e in lark_errors::entries().iter().chain(catalog::api_entries()) {
            let texts = [e.message(), e.reason(), e.advice_zh(), e.advice_en().unwrap_or("")];
            for (text, before) in texts.into_iter().zip(&mut previous) {
                // Neighbouring entries share most texts: skip the lookup for those.
                if !std::ptr::eq(text, *before) {
                    self.add(text);
                    *before = text;
                }
            }
        }
        for api in catalog::apis() {
            self.add(api.title());
            self.add(api.path());
        }
        self.search();
    }

    /// Adds `text` (once) to the buffer.
    fn add(&mut self, text: &'static str) {
        let key = (text.as_ptr() as usize, text.len());
        if text.is_empty() || self.ids.contains_key(&key) {
            return;
        }
        self.ids.insert(key, self.starts.len() as u32);
        self.starts.push(self.lower.len());
        let at = self.lower.len();
        if self.unicode {
            self.lower.extend_from_slice(text.to_lowercase().as_bytes());
        } else {
            self.lower.extend_from_slice(text.as_bytes());
            self.lower[at..].make_ascii_lowercase();
        }
        self.lower.push(0);
    }

    /// Searches the buffer for every form.
    fn search(&mut self) {
        let forms = self.finders.len();
        self.found = vec![Occurrence::default(); self.starts.len() * forms];
        for (form, finder) in self.finders.iter().enumerate() {
            for at in finder.find_iter(&self.lower) {
                let text = self.starts.partition_point(|&s| s <= at) - 1;
                let starts = starts_word(&self.lower, at);
                let found = &mut self.found[text * forms + form];
                if found.count == 9 {
                    continue;
                }
                found.count += 1;
                let at = at - self.starts[text];
                match found.first {
                    Some((_, true)) => {}
                    Some(_) if !starts => {}
                    _ => found.first = Some((at, starts)),
                }
            }
        }
    }

    /// What form `form` found in `text` (added by [`build`](Self::build), or now).
    fn get(&mut self, text: &'static str, form: usize) -> Occurrence {
        let key = (text.as_ptr() as usize, text.len());
        let id = match self.ids.get(&key) {
            Some(&id) => id as usize,
            None if text.is_empty() => return Occurrence::default(),
            None => {
                // Not a text `build` knows: search it alone.
                let mut one = TextIndex {
                    finders: self.finders.clone(),
                    unicode: self.unicode,
                    ids: HashMap::default(),
                    starts: Vec::new(),
                    lower: Vec::new(),
                    found: Vec::new(),
                };
                one.add(text);
                one.search();
                return one.found.get(form).copied().unwrap_or_default();
            }
        };
        self.found.get(id * self.finders.len() + form).copied().unwrap_or_default()
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
    index: RefCell<TextIndex>,
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
        let index = RefCell::new(TextIndex::new(&forms));
        let in_glosses =
            |glosses: &[&str]| phrase.as_ref().is_some_and(|p| glosses.iter().any(|g| p.occurs(g)));
        let phrase_categories = Category::ALL.iter().map(|c| in_glosses(c.glosses())).collect();
        let phrase_actions = Action::ALL.iter().map(|a| in_glosses(a.glosses())).collect();
        let in_some_api = vec![true; words.len()];
        Query { words, phrase, phrase_categories, phrase_actions, in_some_api, index }
    }

    /// Where `form` first occurs in a catalog text ([`Word::find`], remembered).
    fn find_in(&self, form: &Word, text: &'static str) -> Option<(usize, bool)> {
        self.index.borrow_mut().get(text, form.form).first
    }

    /// How often `form` occurs in a catalog text (at most 9), remembered.
    fn count_in(&self, form: &Word, text: &'static str) -> u32 {
        u32::from(self.index.borrow_mut().get(text, form.form).count)
    }

    /// Where word `i` occurs best in `entry`'s own text (its API aside), and the score.
    fn word_in_entry(&self, word: &Word, entry: &Entry) -> Option<(Field, u32)> {
        if let Some(field) = word.code_field(entry.code()) {
            return Some((field, field.score()));
        }
        // Field by field, the word as written, then its stems for a little less.
        let forms =
            || std::iter::once((word, 0)).chain(word.stems.iter().map(|s| (s, STEM_PENALTY)));
        for (w, less) in forms() {
            if let Some((_, start)) = self.find_in(w, entry.message()) {
                let bonus = if entry.message().len() == w.text.len() {
                    400
                } else if start {
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
            if self.find_in(w, entry.reason()).is_some() {
                return Some((Field::Reason, Field::Reason.score() - less));
            }
        }
        for (w, less) in forms() {
            let n = self.count_in(w, entry.advice_en().unwrap_or(""))
                + self.count_in(w, entry.advice_zh());
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
    fn entry_text(&self, entry: &Entry, out: &mut EntryText) {
        out.words.clear();
        out.bonus = 0;
        out.well_known = code::is_well_known(entry.code());
        out.rejected = false;
        for (i, w) in self.words.iter().enumerate() {
            let found = self.word_in_entry(w, entry);
            out.words.push(found);
            // A word found nowhere rejects the entry unless some API's title or path
            // has it: the other words need not be looked for.
            if found.is_none() && !self.in_some_api[i] {
                out.rejected = true;
                return;
            }
        }
        if let Some(phrase) = &self.phrase {
            let in_meaning = index(Category::ALL, entry.category())
                .is_some_and(|i| self.phrase_categories[i])
                || index(Action::ALL, entry.action()).is_some_and(|i| self.phrase_actions[i]);
            if in_meaning || self.find_in(phrase, entry.message()).is_some() {
                out.bonus += PHRASE_BONUS;
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
            catalog::apis()
                .iter()
                .map(|api| {
                    let title = api.title();
                    match query.find_in(w, title) {
                        Some(_) if title.len() == w.text.len() => Some(600),
                        Some((_, true)) => Some(300),
                        Some(_) => Some(200),
                        None => query.find_in(w, api.path()).map(|_| 150),
                    }
                })
                .collect()
        })
        .collect()
}

/// The index of `api` in [`catalog::apis`].
fn api_index(api: &Api) -> Option<usize> {
    let all = catalog::apis();
    let size = std::mem::size_of::<Api>().max(1);
    let offset = (api as *const Api as usize).checked_sub(all.as_ptr() as usize)?;
    let i = offset / size;
    (i < all.len() && std::ptr::eq(&all[i], api)).then_some(i)
}

/// Ranks the catalog against `query`: tiers, then best first, ties in catalog order.
fn rank(query: &str) -> Vec<Hit> {
    let mut q = Query::new(query);
    q.index.borrow_mut().build();
    let api_scores = api_fields(&q);
    q.in_some_api = api_scores.iter().map(|s| s.iter().any(Option::is_some)).collect();
    let mut hits = Vec::new();

    let score_entry = |entry: &'static Entry, text: &EntryText| -> Option<Hit> {
        if text.rejected {
            return None;
        }
        let api = entry.api().and_then(api_index);
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
    for entry in lark_errors::entries() {
        q.entry_text(entry, &mut text);
        hits.extend(score_entry(entry, &text));
    }
    // Per-API entries, grouped by code and message.
    // Keyed by code (entries come in code order, so a code's groups are few): the
    // messages seen and their results.
    let mut groups: HashMap<u32, Vec<(&'static str, usize)>> = HashMap::new();
    let mut previous: Option<&'static Entry> = None;
    for entry in catalog::api_entries() {
        if !previous.is_some_and(|p| same_text(p, entry)) {
            q.entry_text(entry, &mut text);
            previous = Some(entry);
        }
        let Some(hit) = score_entry(entry, &text) else { continue };
        let seen = groups.entry(entry.code()).or_default();
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
    'apis: for (a, api) in catalog::apis().iter().enumerate() {
        let mut score = 0;
        for scores in &api_scores {
            let Some(s) = scores[a] else { continue 'apis };
            score += s;
        }
        if q.phrase.as_ref().is_some_and(|p| q.find_in(p, api.title()).is_some()) {
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
        assert_eq!(api_index(api).map(|i| &catalog::apis()[i]), Some(api));
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
        assert_eq!(occurs(&word, "operate at a rate").first, Some((13, true)));
        assert_eq!(occurs(&word, "operate").first, Some((3, false)));
        assert_eq!(occurs(&word, "RATE").first, Some((0, true)));
        assert_eq!(occurs(&word, "rat").first, None);
        assert!(starts_word("a 权限".as_bytes(), 2) && !starts_word("x权限".as_bytes(), 1));
        assert!(!starts_word("限ab".as_bytes(), 3) && starts_word("，ab".as_bytes(), 3));
    }

    /// What `word` finds in `text`, through the index `rank` uses.
    fn occurs(word: &Word, text: &'static str) -> Occurrence {
        let mut index = TextIndex::new(&[word]);
        index.add(text);
        index.search();
        let built = index.get(text, 0);
        // A text the index was not built with is searched alone, with the same result.
        assert_eq!(TextIndex::new(&[word]).get(text, 0), built);
        built
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
