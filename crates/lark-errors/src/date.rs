//! Calendar dates and the crate's one calendar conversion.
//!
//! [`Date`] is how the platform's pages date themselves (and how the catalog records
//! the date of the page it was built from); [`civil_from_days`] and
//! [`days_from_civil`] convert between proleptic Gregorian dates and day counts since
//! 1970-01-01, for page dates and for log timestamps in [`crate::extract`].
//!
//! ```
//! use lark_errors::date::{Date, civil_from_days, days_from_civil};
//!
//! assert_eq!(Date::parse("2025-08-20").unwrap().to_string(), "2025-08-20");
//! assert_eq!(civil_from_days(20_320), (2025, 8, 20));
//! assert_eq!(days_from_civil(2025, 8, 20), 20_320);
//! ```

use std::fmt;

/// A calendar date, as the pages give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2025.
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day of month, 1-31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`); `None` for anything else.
    ///
    /// ```
    /// # use lark_errors::date::Date;
    /// assert_eq!(Date::parse("2025-08-20").unwrap().to_string(), "2025-08-20");
    /// assert!(Date::parse("2025-13-01").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || !matches!(b[4], b'-' | b'/') || b[7] != b[4] {
            return None;
        }
        let num = |s: &[u8]| -> Option<u32> {
            s.iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let (year, month, day) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        Some(Date { year: year as u16, month: month as u8, day: day as u8 })
    }

    /// The UTC date of a Unix timestamp in milliseconds (how the Lark mirror writes
    /// `updated`).
    ///
    /// ```
    /// # use lark_errors::date::Date;
    /// assert_eq!(Date::from_unix_millis(1646296632000).to_string(), "2022-03-03");
    /// ```
    pub fn from_unix_millis(millis: u64) -> Date {
        let (year, month, day) = civil_from_days((millis / 86_400_000) as i64);
        Date { year: year.clamp(0, 9999) as u16, month: month as u8, day: day as u8 }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The proleptic Gregorian `(year, month, day)` of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`). The one calendar conversion of the workspace: page
/// dates, log timestamps in [`crate::extract`], the mock server's `Date` header.
///
/// ```
/// assert_eq!(lark_errors::date::civil_from_days(0), (1970, 1, 1));
/// ```
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date: the inverse of
/// [`civil_from_days`].
///
/// ```
/// assert_eq!(lark_errors::date::days_from_civil(2000, 2, 29), 11_016);
/// ```
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::from_unix_millis(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_millis(951_782_400_000).to_string(), "2000-02-29");
        assert!(Date::parse("2025-8-20").is_none());
        assert!(Date::parse("2025-08-2x").is_none());
        assert!(Date::parse("２０２５-08-20").is_none());
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_320), (2025, 8, 20));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        for days in [-800_000, -1, 0, 1, 59, 365, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    fn is_leap(year: i64) -> bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    fn days_in(year: i64, month: i64) -> i64 {
        match month {
            2 if is_leap(year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    #[test]
    fn both_conversions_agree_with_walking_the_calendar_day_by_day() {
        // About 550 years either side of 1970: every century rule (1700, 1800, 1900
        // are not leap years, 1600, 2000, 2400 are) and every month end.
        let span = 200_000;
        let check = |days: i64, date: (i64, i64, i64)| {
            assert_eq!(civil_from_days(days), date, "day {days}");
            assert_eq!(days_from_civil(date.0, date.1, date.2), days, "{date:?}");
        };
        let (mut y, mut m, mut d) = (1970, 1, 1);
        for days in 0..=span {
            check(days, (y, m, d));
            d += 1;
            if d > days_in(y, m) {
                (m, d) = (m + 1, 1);
                if m > 12 {
                    (y, m) = (y + 1, 1);
                }
            }
        }
        let (mut y, mut m, mut d) = (1970, 1, 1);
        for days in (-span..=0).rev() {
            check(days, (y, m, d));
            d -= 1;
            if d == 0 {
                m -= 1;
                if m == 0 {
                    (y, m) = (y - 1, 12);
                }
                d = days_in(y, m);
            }
        }
    }

    #[test]
    fn parse_takes_exactly_yyyy_mm_dd_or_slashes() {
        let date = |y, m, d| Some(Date { year: y, month: m, day: d });
        assert_eq!(Date::parse("2025-08-20"), date(2025, 8, 20));
        assert_eq!(Date::parse("2025/08/20"), date(2025, 8, 20));
        assert_eq!(Date::parse("0000-01-01"), date(0, 1, 1));
        assert_eq!(Date::parse("9999-12-31"), date(9999, 12, 31));
        for bad in [
            "",
            "2025-08-200",
            "2025-08-2",
            "2025/08-20",
            "2025-08/20",
            "2025.08.20",
            "2025-00-20",
            "2025-13-20",
            "2025-08-00",
            "2025-08-32",
            "x025-08-20",
            "2025-x8-20",
            "2025-08-x0",
            "2025-08-2 ",
            " 025-08-20",
            "20250-8-20",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        for day in 1..=31u8 {
            for month in 1..=12u8 {
                let text = format!("1999-{month:02}-{day:02}");
                assert_eq!(Date::parse(&text), date(1999, month, day));
                assert_eq!(Date::parse(&text).unwrap().to_string(), text);
            }
        }
        assert_eq!(date(7, 1, 2).unwrap().to_string(), "0007-01-02");
    }

    #[test]
    fn unix_millis_are_days_in_utc_and_far_futures_are_clamped() {
        assert_eq!(Date::from_unix_millis(86_399_999).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_millis(86_400_000).to_string(), "1970-01-02");
        assert_eq!(Date::from_unix_millis(1_646_296_632_000).to_string(), "2022-03-03");
        assert_eq!(Date::from_unix_millis(u64::MAX).year, 9999);
    }
}
