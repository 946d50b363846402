//! The search corpus: every text that full-text search reads, prepared at codegen time.
//!
//! The catalog's messages, classification reasons, advice (both languages) and the
//! APIs' titles and paths, each distinct text once, lower-cased (`str::to_lowercase`)
//! and followed by a NUL, in one static buffer ([`lower`]). Each entry and API knows
//! the numbers of its texts ([`of_entry`], [`of_api`]). A search looks for each query
//! word once over the whole buffer and maps what it finds back to texts
//! ([`containing`]), then to entries by number: nothing is hashed, copied or
//! lower-cased per query. (`larkerr search` is built on it.)
//!
//! ```
//! use lark_errors::catalog::text;
//!
//! let entry = &lark_errors::lookup(99991663)[0];
//! let ids = text::of_entry(entry).unwrap();
//! assert_eq!(text::text(ids.message), entry.message().to_lowercase());
//!
//! // Every text holding "invalid access token", found in one pass over the buffer:
//! // this entry's message ("Invalid access token for authorization...") among them.
//! let found: Vec<text::TextId> = text::lower()
//!     .match_indices("invalid access token")
//!     .filter_map(|(at, _)| text::containing(at))
//!     .collect();
//! assert!(found.contains(&ids.message));
//! ```
//!
//! Only with the `apis` feature (the corpus holds the API pages' texts).

use super::{Api, Entry};
use crate::semantics::{Action, Category, TokenKind};

#[rustfmt::skip]
#[path = "text_table.rs"]
mod data;

/// The number of one text of the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextId(u32);

impl TextId {
    /// The number as an index, `0..`[`len`]`()`: for tables kept per text.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// The numbers of an entry's searchable texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct EntryTexts {
    /// [`Entry::message`].
    pub message: TextId,
    /// [`Entry::reason`].
    pub reason: TextId,
    /// [`Entry::advice_zh`].
    pub advice_zh: TextId,
    /// [`Entry::advice_en`], where there is one.
    pub advice_en: Option<TextId>,
    /// The index of [`Entry::api`] in [`super::apis`] (whose texts [`apis`] gives).
    pub api: Option<usize>,
}

/// The numbers of an API's searchable texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ApiTexts {
    /// [`Api::title`].
    pub title: TextId,
    /// [`Api::path`].
    pub path: TextId,
}

/// Every text, lower-cased, each followed by a NUL (no text holds one, so no match of a
/// NUL-free word spans two texts). Offsets into it map to texts with [`containing`].
pub fn lower() -> &'static str {
    data::LOWER
}

/// How many distinct texts the corpus holds.
pub fn len() -> usize {
    data::STARTS.len()
}

/// Where text `id` starts in [`lower`].
pub fn start(id: TextId) -> usize {
    data::STARTS.get(id.index()).map_or(0, |&s| s as usize)
}

/// Text `id`, lower-cased (without its NUL); empty for a number not of the corpus.
pub fn text(id: TextId) -> &'static str {
    let Some(&from) = data::STARTS.get(id.index()) else { return "" };
    let end = data::STARTS.get(id.index() + 1).map_or(data::LOWER.len(), |&s| s as usize);
    // Every start is a character boundary and every text ends with its NUL.
    data::LOWER.get(from as usize..end.saturating_sub(1)).unwrap_or("")
}

/// The text that byte `offset` of [`lower`] belongs to (its NUL included); `None` past
/// the end. A binary search: `O(log n)`.
pub fn containing(offset: usize) -> Option<TextId> {
    if offset >= data::LOWER.len() {
        return None;
    }
    let after = data::STARTS.partition_point(|&s| s as usize <= offset);
    // STARTS[0] is 0, so `after` is at least 1 for any offset.
    let id = after.checked_sub(1)?;
    Some(TextId(id as u32))
}

/// Every entry of the generic page ([`crate::entries`], in its order) with the numbers
/// of its texts: cheaper than [`of_entry`] per entry when walking them all.
pub fn generic_entries() -> impl ExactSizeIterator<Item = (&'static Entry, EntryTexts)> {
    super::entries().iter().zip(data::GENERIC.iter().map(decode))
}

/// Every per-API entry ([`super::api_entries`], in its order) with the numbers of its
/// texts.
pub fn api_entries() -> impl ExactSizeIterator<Item = (&'static Entry, EntryTexts)> {
    super::api_entries().iter().zip(data::API_ENTRIES.iter().map(decode))
}

/// Every API ([`super::apis`], in its order) with the numbers of its texts.
pub fn apis() -> impl ExactSizeIterator<Item = (&'static Api, ApiTexts)> {
    super::apis().iter().zip(data::APIS.iter().map(decode_api))
}

/// How many entries the catalog has: the generic page's and the API pages'. Entries are
/// numbered `0..entry_count()`, the generic page's first, each part in table order:
/// the numbers the lists below ([`entries_with_text`], ...) give.
pub fn entry_count() -> usize {
    data::GENERIC.len() + data::API_ENTRIES.len()
}

/// Entry number `n` (see [`entry_count`]) with the numbers of its texts.
pub fn entry(n: usize) -> Option<(&'static Entry, EntryTexts)> {
    match n.checked_sub(data::GENERIC.len()) {
        None => Some((super::entries().get(n)?, decode(data::GENERIC.get(n)?))),
        Some(i) => Some((super::api_entries().get(i)?, decode(data::API_ENTRIES.get(i)?))),
    }
}

/// The numbers of the entries that have text `id` as their message, reason or advice,
/// ascending, each once.
pub fn entries_with_text(id: TextId) -> &'static [u32] {
    list(&data::TEXT_ENTRIES_AT, &data::TEXT_ENTRIES, id.index())
}

/// The numbers of the entries of category `c`, ascending.
pub fn entries_of_category(c: Category) -> &'static [u32] {
    list(&data::CATEGORY_ENTRIES_AT, &data::CATEGORY_ENTRIES, c.index())
}

/// The numbers of the entries whose action is `a`, ascending.
pub fn entries_of_action(a: Action) -> &'static [u32] {
    list(&data::ACTION_ENTRIES_AT, &data::ACTION_ENTRIES, a.index())
}

/// The numbers of the entries about token kind `t`, ascending.
pub fn entries_of_token(t: TokenKind) -> &'static [u32] {
    list(&data::TOKEN_ENTRIES_AT, &data::TOKEN_ENTRIES, t.index())
}

/// The numbers of the entries of the API at `api` in [`super::apis`], ascending.
pub fn entries_of_api(api: usize) -> &'static [u32] {
    list(&data::API_ENTRY_NUMBERS_AT, &data::API_ENTRY_NUMBERS, api)
}

/// List `i` of lists stored as one array and where each starts.
fn list(at: &[u32], all: &'static [u32], i: usize) -> &'static [u32] {
    let (Some(&from), Some(&to)) = (at.get(i), at.get(i + 1)) else { return &[] };
    all.get(from as usize..to as usize).unwrap_or(&[])
}

/// A generated row: title, path.
fn decode_api(row: &[u32; 2]) -> ApiTexts {
    ApiTexts { title: TextId(row[0]), path: TextId(row[1]) }
}

/// A generated row: message, reason, Chinese advice, English advice, API (`u32::MAX`:
/// none).
fn decode(row: &[u32; 5]) -> EntryTexts {
    EntryTexts {
        message: TextId(row[0]),
        reason: TextId(row[1]),
        advice_zh: TextId(row[2]),
        advice_en: (row[3] != u32::MAX).then_some(TextId(row[3])),
        api: (row[4] != u32::MAX).then_some(row[4] as usize),
    }
}

/// The numbers of `entry`'s texts, for an entry of the catalog ([`crate::entries`] or
/// [`super::api_entries`]); `None` for any other `Entry` value.
pub fn of_entry(entry: &Entry) -> Option<EntryTexts> {
    let row = index_in(super::entries(), entry)
        .and_then(|i| data::GENERIC.get(i))
        .or_else(|| index_in(super::api_entries(), entry).and_then(|i| data::API_ENTRIES.get(i)))?;
    Some(decode(row))
}

/// The numbers of `api`'s texts, for an API of [`super::apis`]; `None` for any other.
pub fn of_api(api: &Api) -> Option<ApiTexts> {
    index_in(super::apis(), api).and_then(|i| data::APIS.get(i)).map(decode_api)
}

/// The position of `x` in `all` when `x` is one of its elements (by address, `O(1)`).
fn index_in<T>(all: &'static [T], x: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>();
    let offset = (x as *const T as usize).checked_sub(all.as_ptr() as usize)?;
    if size == 0 || offset % size != 0 {
        return None;
    }
    let i = offset / size;
    all.get(i).filter(|y| std::ptr::eq(*y, x)).map(|_| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{apis, entries};

    #[test]
    fn every_entry_reads_its_own_texts() {
        for e in entries().iter().chain(crate::catalog::api_entries()) {
            let t = of_entry(e).unwrap_or_else(|| panic!("{} has texts", e.code()));
            assert_eq!(text(t.message), e.message().to_lowercase());
            assert_eq!(text(t.reason), e.reason().to_lowercase());
            assert_eq!(text(t.advice_zh), e.advice_zh().to_lowercase());
            assert_eq!(t.advice_en.map(text), e.advice_en().map(str::to_lowercase).as_deref());
            let api = t.api.map(|a| std::ptr::from_ref(&apis()[a]));
            assert_eq!(api, e.api().map(std::ptr::from_ref), "{}", e.code());
        }
    }

    #[test]
    fn walking_the_entries_gives_what_each_entry_has() {
        assert_eq!(generic_entries().len(), entries().len());
        assert_eq!(api_entries().len(), crate::catalog::api_entries().len());
        for (e, t) in generic_entries().chain(api_entries()) {
            assert_eq!(Some(t), of_entry(e));
        }
    }

    #[test]
    fn the_lists_name_exactly_the_entries_that_have_each_text_meaning_and_api() {
        let n = entry_count();
        assert_eq!(n, entries().len() + crate::catalog::api_entries().len());
        let mut by_text = vec![Vec::new(); len()];
        let (mut cats, mut acts, mut toks) = (
            vec![Vec::new(); Category::ALL.len()],
            vec![Vec::new(); Action::ALL.len()],
            vec![Vec::new(); TokenKind::ALL.len()],
        );
        let mut by_api = vec![Vec::new(); apis().len()];
        for i in 0..n {
            let (e, t) = entry(i).unwrap();
            assert_eq!(Some(t), of_entry(e));
            let i = i as u32;
            for id in [Some(t.message), Some(t.reason), Some(t.advice_zh), t.advice_en]
                .into_iter()
                .flatten()
            {
                if by_text[id.index()].last() != Some(&i) {
                    by_text[id.index()].push(i);
                }
            }
            cats[e.category().index()].push(i);
            acts[e.action().index()].push(i);
            if let Some(k) = e.token() {
                toks[k.index()].push(i);
            }
            if let Some(a) = t.api {
                by_api[a].push(i);
            }
        }
        assert!(entry(n).is_none());
        for (id, want) in by_text.iter().enumerate() {
            assert_eq!(entries_with_text(TextId(id as u32)), &want[..], "text {id}");
        }
        for (c, want) in Category::ALL.iter().zip(&cats) {
            assert_eq!(entries_of_category(*c), &want[..], "{c}");
        }
        for (a, want) in Action::ALL.iter().zip(&acts) {
            assert_eq!(entries_of_action(*a), &want[..], "{a}");
        }
        for (k, want) in TokenKind::ALL.iter().zip(&toks) {
            assert_eq!(entries_of_token(*k), &want[..], "{k}");
        }
        for (a, want) in by_api.iter().enumerate() {
            assert_eq!(entries_of_api(a), &want[..], "API {a}");
            assert_eq!(want.len(), apis()[a].entries().len(), "API {a}");
        }
        assert!(
            entries_with_text(TextId(len() as u32)).is_empty()
                && entries_of_api(apis().len()).is_empty()
        );
    }

    #[test]
    fn every_api_reads_its_own_texts() {
        assert_eq!(super::apis().len(), apis().len());
        for (api, walked) in super::apis() {
            let t = of_api(api).unwrap();
            assert_eq!(t, walked);
            assert_eq!(text(t.title), api.title().to_lowercase());
            assert_eq!(text(t.path), api.path().to_lowercase());
        }
    }

    #[test]
    fn each_text_is_once_nul_ended_and_found_from_any_of_its_bytes() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..len() {
            let id = TextId(i as u32);
            let t = text(id);
            assert!(seen.insert(t), "{t:?} is in the corpus twice");
            assert!(!t.contains('\0'));
            assert_eq!(t, t.to_lowercase());
            let from = start(id);
            assert_eq!(&lower()[from..from + t.len()], t);
            assert_eq!(lower().as_bytes()[from + t.len()], 0, "a NUL ends {t:?}");
            for at in [from, from + t.len() / 2, from + t.len()] {
                assert_eq!(containing(at), Some(id));
            }
        }
        assert_eq!(containing(lower().len()), None);
        assert_eq!(text(TextId(len() as u32)), "");
    }

    #[test]
    fn values_that_are_not_the_catalogs_have_no_texts() {
        // A copy of an entry is not the catalog's entry, nor is a pointer between two.
        let copy = Entry { ..entries()[0] };
        assert_eq!(of_entry(&copy), None);
        // An element before the slice, and one past its end.
        assert_eq!(index_in(&apis()[1..], &apis()[0]), None);
        assert_eq!(index_in(&apis()[..1], &apis()[1]), None);
        assert_eq!(index_in(apis(), &apis()[7]), Some(7));
    }
}
