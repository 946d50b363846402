//! Timestamps at the start of log lines.

use std::fmt;

use super::TIMESTAMP_WINDOW;
use crate::date::{civil_from_days, days_from_civil};

/// A point in time with one-second resolution: seconds since 1970-01-01T00:00:00, in
/// UTC when the log said its offset, else in the log's own time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since the epoch.
    pub const fn from_unix(secs: i64) -> Timestamp {
        Timestamp(secs)
    }

    /// Seconds since the epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

pub(super) fn num(text: &[u8], at: usize, width: usize) -> Option<i64> {
    let digits = text.get(at..at + width)?;
    digits
        .iter()
        .try_fold(0i64, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0')))
}

/// The timestamp at the very start of `text`: `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD
/// HH:MM:SS` or `YYYY/MM/DD HH:MM:SS`, an optional `.fraction`, then for the first two
/// an optional `Z`, `±HH:MM`, `±HHMM` or `±HH` offset (converted to UTC).
pub(crate) fn parse_timestamp(text: &[u8]) -> Option<Timestamp> {
    let year = num(text, 0, 4)?;
    let sep = *text.get(4)?;
    if !matches!(sep, b'-' | b'/') || text.get(7) != Some(&sep) {
        return None;
    }
    let month = num(text, 5, 2)?;
    let day = num(text, 8, 2)?;
    let t = *text.get(10)?;
    if !(t == b' ' || (t == b'T' && sep == b'-')) {
        return None;
    }
    let hour = num(text, 11, 2)?;
    let minute = num(text, 14, 2)?;
    let second = num(text, 17, 2)?;
    if text[13] != b':' || text.get(16) != Some(&b':') {
        return None;
    }
    if !(1900..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    if matches!(text.get(i), Some(b'.' | b',')) && text.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    } else if text.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    // `Z` (UTC) and no offset leave the time as it is; slashed timestamps take none.
    if let (b'-', Some(&s @ (b'+' | b'-'))) = (sep, text.get(i)) {
        let oh = num(text, i + 1, 2);
        let om = if text.get(i + 3) == Some(&b':') {
            num(text, i + 4, 2)
        } else {
            num(text, i + 3, 2).or(Some(0))
        };
        if let (Some(oh), Some(om)) = (oh, om) {
            if oh <= 23 && om <= 59 {
                let offset = oh * 3600 + om * 60;
                secs += if s == b'+' { -offset } else { offset };
            }
        }
    }
    Some(Timestamp(secs))
}

/// The first timestamp in `text` that [`parse_timestamp`](super::parse_timestamp) reads, starting where a digit
/// follows a non-digit.
pub(crate) fn find_timestamp(text: &[u8]) -> Option<Timestamp> {
    let mut i = 0;
    while i + 19 <= text.len() {
        let at = i + text[i..text.len() - 18].iter().position(u8::is_ascii_digit)?;
        if at == 0 || !text[at - 1].is_ascii_digit() {
            if let Some(t) = parse_timestamp(&text[at..]) {
                return Some(t);
            }
        }
        i = at + 1;
    }
    None
}

/// The timestamp of the line starting at `start`, searched in its first
/// [`TIMESTAMP_WINDOW`](super::TIMESTAMP_WINDOW) bytes.
pub(super) fn line_timestamp(buf: &[u8], start: usize) -> Option<Timestamp> {
    let window = &buf[start..buf.len().min(start + TIMESTAMP_WINDOW)];
    let line = memchr::memchr(b'\n', window).map_or(window, |n| &window[..n]);
    find_timestamp(line)
}
