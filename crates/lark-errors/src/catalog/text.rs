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

/// A generated row: title, path.
fn decode_api(row: &[u32; 2]) -> ApiTexts {
    ApiTexts { title: TextId(row[0]), path: TextId(row[1]) }
}

/// A generated row: message, reason, Chinese advice, English advice (`u32::MAX`: none).
fn decode(row: &[u32; 4]) -> EntryTexts {
    EntryTexts {
        message: TextId(row[0]),
        reason: TextId(row[1]),
        advice_zh: TextId(row[2]),
        advice_en: (row[3] != u32::MAX).then_some(TextId(row[3])),
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
