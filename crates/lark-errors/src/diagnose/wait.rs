//! How long a response asks the client to wait: `x-ogw-ratelimit-reset`, else
//! `Retry-After` in either form of RFC 9110 §10.2.3 (delay-seconds or an HTTP-date).

use super::Headers;
use crate::date::days_from_civil;
use crate::platform::header;

/// Seconds to wait before retrying, from the headers: the platform's
/// `x-ogw-ratelimit-reset` when it is present and a number, else `Retry-After`.
///
/// An HTTP-date `Retry-After` is measured against the response's own `Date` header when
/// it has a readable one, else against `now` (seconds since the epoch) when the caller
/// passed a clock; without either it is not used. A date in the past means "now" (0).
pub(super) fn wait_secs(headers: &dyn Headers, now: Option<i64>) -> Option<u64> {
    if let Some(secs) = headers.header(header::RATELIMIT_RESET).and_then(delay_seconds) {
        return Some(secs);
    }
    let value = headers.header(header::RETRY_AFTER)?;
    if let Some(secs) = delay_seconds(value) {
        return Some(secs);
    }
    let at = http_date(value)?;
    let base = headers.header(header::DATE).and_then(http_date).or(now)?;
    Some(u64::try_from(at.saturating_sub(base)).unwrap_or(0))
}

/// A non-negative decimal integer, surrounding whitespace allowed.
fn delay_seconds(value: &str) -> Option<u64> {
    let v = value.trim();
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).then(|| v.parse().ok())?
}

/// An HTTP-date (RFC 9110 §5.6.7) as seconds since the epoch, in any of its three forms:
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT`
/// (RFC 850, years 70-99 read as 19xx) and `Sun Nov  6 08:49:37 1994` (asctime).
pub(crate) fn http_date(value: &str) -> Option<i64> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let mut tokens = value.split([' ', ',', '-']).filter(|t| !t.is_empty());
    let _weekday = tokens.next()?;
    let rest: Vec<&str> = tokens.take(6).collect();
    let month_of = |t: &str| MONTHS.iter().position(|m| t.eq_ignore_ascii_case(m));
    let (day, month, year, time) = match rest.as_slice() {
        [day, month, year, time, zone] if zone.eq_ignore_ascii_case("GMT") => {
            (*day, month_of(month)?, *year, *time)
        }
        [month, day, time, year] => (*day, month_of(month)?, *year, *time),
        _ => return None,
    };
    let number = |t: &str, max_len: usize| -> Option<i64> {
        (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())?
    };
    let day = number(day, 2)?;
    let year = match year.len() {
        2 => {
            let y = number(year, 2)?;
            if y >= 70 { 1900 + y } else { 2000 + y }
        }
        4 => number(year, 4)?,
        _ => return None,
    };
    let mut hms = time.split(':');
    let (h, m, s) = (number(hms.next()?, 2)?, number(hms.next()?, 2)?, number(hms.next()?, 2)?);
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let month = month as i64 + 1;
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPOCH_1994: i64 = 784_111_777; // 1994-11-06T08:49:37Z

    #[test]
    fn the_three_http_date_forms() {
        assert_eq!(http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(EPOCH_1994));
        assert_eq!(http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(EPOCH_1994));
        assert_eq!(http_date("Sun Nov  6 08:49:37 1994"), Some(EPOCH_1994));
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        // RFC 850's two-digit years: 70-99 are 19xx, the rest 20xx.
        assert_eq!(
            http_date("Wednesday, 06-Nov-69 08:49:37 GMT"),
            http_date("Wed, 06 Nov 2069 08:49:37 GMT")
        );
        assert!(http_date("Wed, 06 Nov 2069 08:49:37 GMT") > Some(EPOCH_1994));
        // The edges of the clock: 23:59:60 (a leap second) is the next day's midnight.
        let midnight = http_date("Sun, 06 Nov 1994 00:00:00 GMT").unwrap();
        assert_eq!(http_date("Sun, 06 Nov 1994 23:59:60 GMT"), Some(midnight + 86_400));
        assert_eq!(http_date("Sun, 06 Nov 1994 23:59:59 GMT"), Some(midnight + 86_399));
        for bad in [
            "",
            "Sun",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 19945 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:00:61 GMT",
            "Sun, 06 Nov 1994 08:49:007 GMT",
            "Sun, 06 Nov 1994 008:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "120",
        ] {
            assert_eq!(http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reset_then_retry_after_in_both_forms() {
        let h = |pairs: &[(&'static str, &'static str)]| pairs.to_vec();
        assert_eq!(
            wait_secs(&h(&[("x-ogw-ratelimit-reset", "7"), ("retry-after", "9")]), None),
            Some(7)
        );
        // Absent or unparsable reset: Retry-After decides.
        assert_eq!(wait_secs(&h(&[("retry-after", " 9 ")]), None), Some(9));
        assert_eq!(
            wait_secs(&h(&[("x-ogw-ratelimit-reset", "soon"), ("retry-after", "9")]), None),
            Some(9)
        );
        assert_eq!(
            wait_secs(&h(&[("x-ogw-ratelimit-reset", "-3"), ("retry-after", "9")]), None),
            Some(9)
        );
        // A reset of 0 is "now".
        assert_eq!(wait_secs(&h(&[("x-ogw-ratelimit-reset", "0")]), None), Some(0));
        // An HTTP date against the response's own Date.
        let dated = h(&[
            ("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT"),
            ("date", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ]);
        assert_eq!(wait_secs(&dated, None), Some(30));
        assert_eq!(wait_secs(&dated, Some(0)), Some(30), "the response's Date wins over a clock");
        // Without a Date, only a caller's clock can measure it.
        let undated = h(&[("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")]);
        assert_eq!(wait_secs(&undated, None), None);
        assert_eq!(wait_secs(&undated, Some(EPOCH_1994 + 10)), Some(20));
        assert_eq!(wait_secs(&undated, Some(EPOCH_1994 + 100)), Some(0), "a past date is now");
        assert_eq!(wait_secs(&h(&[("retry-after", "later")]), Some(0)), None);
    }
}
