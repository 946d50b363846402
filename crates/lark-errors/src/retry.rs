//! Retry decisions: given a [`Diagnosis`], the attempt so far and whether the request is
//! idempotent, what to do next.
//!
//! [`RetryPolicy::decide`] is pure: no clock, no sleeping, no randomness of its own (the
//! jitter source is passed in), so every rule is testable as a whole decision.
//!
//! The rules, in order:
//! 1. success, an unclassified error, or an action that is not retryable: stop;
//! 2. `refresh_token`: refresh that token and retry once, never twice in a row;
//! 3. out of attempts: stop;
//! 4. `internal` / `unavailable` failures (and unclassified ones) may have done work, so
//!    they are retried only for idempotent requests; rate-limit and authentication
//!    failures were rejected before any work, so they are safe to retry for any request;
//! 5. wait `retry_after_secs` when the response gave it, else back off exponentially
//!    with full jitter; every wait is at least [`RetryPolicy::min_delay`] (so a reset of
//!    `0` cannot make a client spin) and at most [`RetryPolicy::max_delay`];
//! 6. a wait that would overrun the total time budget: stop.
//!
//! ```
//! use std::time::Duration;
//! use lark_errors::diagnose::{diagnose, NoHeaders};
//! use lark_errors::retry::{Attempt, Idempotency, RetryDecision, RetryPolicy, StopReason};
//!
//! let policy = RetryPolicy::default();
//! let headers = [("x-ogw-ratelimit-reset", "3")];
//! let limited = diagnose(Some(429), &headers, br#"{"code":99991400,"msg":"request trigger frequency limit"}"#);
//! // A POST: not idempotent, still safe to retry after a rate limit.
//! let first = Attempt::first(Idempotency::NotIdempotent);
//! assert_eq!(
//!     policy.decide(&limited, &first, &mut || 0.5),
//!     RetryDecision::Retry { after: Duration::from_secs(3) }
//! );
//!
//! let quota = diagnose(Some(429), &NoHeaders, br#"{"code":99991403,"msg":"monthly quota exceeded"}"#);
//! assert!(matches!(policy.decide(&quota, &first, &mut || 0.5), RetryDecision::Stop(StopReason::NotRetryable(_))));
//! ```

use std::fmt;
use std::time::Duration;

use crate::diagnose::Diagnosis;
use crate::semantics::{Action, Category, TokenKind};

/// Limits on retrying. Build one from [`RetryPolicy::default`] with the `with_` methods:
///
/// ```
/// use std::time::Duration;
/// use lark_errors::RetryPolicy;
///
/// let p = RetryPolicy::default().with_max_attempts(3).with_base_delay(Duration::from_millis(100));
/// assert_eq!((p.max_attempts, p.base_delay), (3, Duration::from_millis(100)));
/// assert_eq!(p.min_delay, RetryPolicy::default().min_delay);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (so 1 means never retry).
    pub max_attempts: u32,
    /// The first backoff delay; each further attempt doubles it.
    pub base_delay: Duration,
    /// No single wait is longer than this, whether backoff or a rate-limit reset.
    pub max_delay: Duration,
    /// No retry is sent sooner than this after a failure, whatever the response said (a
    /// rate-limit reset of `0`) or the jitter drew, so a client cannot spin.
    pub min_delay: Duration,
    /// No retry is scheduled past this much time since the first attempt.
    pub budget: Option<Duration>,
}

impl Default for RetryPolicy {
    /// 4 attempts, 500 ms base delay, waits between 100 ms and 60 s (the platform's
    /// rate-limit windows are at most a minute), 2 minutes in all.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            min_delay: Duration::from_millis(100),
            budget: Some(Duration::from_secs(120)),
        }
    }
}

impl RetryPolicy {
    /// With `n` attempts in all, the first included.
    pub const fn with_max_attempts(self, n: u32) -> RetryPolicy {
        RetryPolicy { max_attempts: n, ..self }
    }

    /// With `delay` as the first backoff delay.
    pub const fn with_base_delay(self, delay: Duration) -> RetryPolicy {
        RetryPolicy { base_delay: delay, ..self }
    }

    /// With no wait longer than `delay`.
    pub const fn with_max_delay(self, delay: Duration) -> RetryPolicy {
        RetryPolicy { max_delay: delay, ..self }
    }

    /// With no wait shorter than `delay`.
    pub const fn with_min_delay(self, delay: Duration) -> RetryPolicy {
        RetryPolicy { min_delay: delay, ..self }
    }

    /// With no retry scheduled past `budget` since the first attempt (`None`: no limit).
    pub const fn with_budget(self, budget: Option<Duration>) -> RetryPolicy {
        RetryPolicy { budget, ..self }
    }
}

/// Whether sending a request twice is harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// GET, PUT, DELETE, or a request the caller knows to be idempotent.
    Idempotent,
    /// POST and PATCH unless the caller knows better: a failure that may have done work
    /// is not retried.
    NotIdempotent,
}

impl Idempotency {
    /// The idempotency RFC 9110 §9.2.2 gives an HTTP method: `GET`, `HEAD`, `OPTIONS`,
    /// `TRACE`, `PUT` and `DELETE` are idempotent (compared ASCII-case-insensitively).
    ///
    /// ```
    /// use lark_errors::retry::Idempotency;
    /// assert_eq!(Idempotency::of_method("GET"), Idempotency::Idempotent);
    /// assert_eq!(Idempotency::of_method("post"), Idempotency::NotIdempotent);
    /// ```
    pub fn of_method(method: &str) -> Idempotency {
        const IDEMPOTENT: [&str; 6] = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"];
        if IDEMPOTENT.iter().any(|m| m.eq_ignore_ascii_case(method)) {
            Idempotency::Idempotent
        } else {
            Idempotency::NotIdempotent
        }
    }
}

/// Where a request stands after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// Attempts made so far, including the one that just failed (1 after the first).
    pub number: u32,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    /// Whether sending the request twice is harmless.
    pub idempotency: Idempotency,
    /// Whether the previous retry was a token refresh.
    pub after_refresh: bool,
}

impl Attempt {
    /// The state after the first attempt failed.
    pub const fn first(idempotency: Idempotency) -> Attempt {
        Attempt { number: 1, elapsed: Duration::ZERO, idempotency, after_refresh: false }
    }

    /// The same attempt, `elapsed` after the first one started.
    pub const fn with_elapsed(self, elapsed: Duration) -> Attempt {
        Attempt { elapsed, ..self }
    }

    /// The state after the next attempt, which followed `decision`.
    pub fn next(self, decision: &RetryDecision, elapsed: Duration) -> Attempt {
        Attempt {
            number: self.number.saturating_add(1),
            elapsed,
            idempotency: self.idempotency,
            after_refresh: matches!(decision, RetryDecision::RefreshToken { .. }),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Send the same request again after waiting.
    Retry {
        /// How long to wait first.
        after: Duration,
    },
    /// Get a fresh token of this kind (the one the request used, when `None`), then send
    /// the request again once with it.
    RefreshToken {
        /// The token to refresh.
        token: Option<TokenKind>,
    },
    /// Do not send the request again.
    Stop(StopReason),
}

/// Why a request is not sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The response was a success.
    Success,
    /// Nothing is known about the error.
    Unclassified,
    /// The action says the same request cannot succeed (fix it, ask an admin, ...).
    NotRetryable(Action),
    /// The failure may have done work and the request is not idempotent.
    NotIdempotent,
    /// A token refresh was already tried for this request and it failed again.
    RefreshAlreadyTried,
    /// The attempt limit is reached.
    AttemptsExhausted,
    /// The wait would overrun the total time budget.
    BudgetExhausted,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Success => f.write_str("success"),
            StopReason::Unclassified => f.write_str("unclassified error"),
            StopReason::NotRetryable(action) => write!(f, "not retryable: {}", action.describe()),
            StopReason::NotIdempotent => {
                f.write_str("the request is not idempotent and may have done work")
            }
            StopReason::RefreshAlreadyTried => {
                f.write_str("the token was refreshed already and still fails")
            }
            StopReason::AttemptsExhausted => f.write_str("attempt limit reached"),
            StopReason::BudgetExhausted => f.write_str("retry time budget exhausted"),
        }
    }
}

impl RetryDecision {
    /// Whether this decision asks to refresh a token that a holder of `held` can refresh:
    /// a refresh of an unnamed token (the one the request used), or of a token obtained
    /// the same way as `held` (tenant and app tokens both come from the app's
    /// credentials; a user token from the user's sign-in).
    ///
    /// ```
    /// use lark_errors::{RetryDecision, TokenKind};
    /// let refresh = RetryDecision::RefreshToken { token: Some(TokenKind::TenantAccessToken) };
    /// assert!(refresh.refreshes(TokenKind::AppAccessToken));
    /// assert!(!refresh.refreshes(TokenKind::UserAccessToken));
    /// ```
    pub fn refreshes(&self, held: TokenKind) -> bool {
        match self {
            RetryDecision::RefreshToken { token: None } => true,
            RetryDecision::RefreshToken { token: Some(named) } => {
                named.is_from_app_credentials() == held.is_from_app_credentials()
            }
            _ => false,
        }
    }
}

impl fmt::Display for RetryDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryDecision::Retry { after } => write!(f, "retry after {} ms", after.as_millis()),
            RetryDecision::RefreshToken { token: Some(t) } => {
                write!(f, "refresh the {t} and retry once")
            }
            RetryDecision::RefreshToken { token: None } => {
                f.write_str("refresh the access token and retry once")
            }
            RetryDecision::Stop(reason) => write!(f, "stop: {reason}"),
        }
    }
}

/// A source of jitter: each call gives a fraction in `[0, 1]`.
pub trait Jitter {
    /// The next fraction.
    fn fraction(&mut self) -> f64;
}

impl<F: FnMut() -> f64> Jitter for F {
    fn fraction(&mut self) -> f64 {
        self()
    }
}

/// Jitter reproducible from a seed: the same seed gives the same fractions.
///
/// ```
/// use lark_errors::retry::{Jitter, SeededJitter};
/// let mut a = SeededJitter::new(7);
/// let mut b = SeededJitter::new(7);
/// let f = a.fraction();
/// assert_eq!(f, b.fraction());
/// assert!((0.0..=1.0).contains(&f));
/// ```
#[derive(Debug, Clone)]
pub struct SeededJitter(SplitMix64);

impl SeededJitter {
    /// Jitter starting from `seed`.
    pub const fn new(seed: u64) -> SeededJitter {
        SeededJitter(SplitMix64::new(seed))
    }
}

impl Jitter for SeededJitter {
    fn fraction(&mut self) -> f64 {
        self.0.fraction()
    }
}

/// A small seeded generator (SplitMix64).
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub(crate) const fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Jitter for SplitMix64 {
    fn fraction(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl RetryPolicy {
    /// Decides what to do after `attempt` ended with `diagnosis`.
    pub fn decide(
        &self,
        diagnosis: &Diagnosis,
        attempt: &Attempt,
        jitter: &mut impl Jitter,
    ) -> RetryDecision {
        use RetryDecision::{RefreshToken, Retry, Stop};

        if diagnosis.is_success() {
            return Stop(StopReason::Success);
        }
        let Some(action) = diagnosis.action() else { return Stop(StopReason::Unclassified) };
        if !action.is_retryable() {
            return Stop(StopReason::NotRetryable(action));
        }
        if action == Action::RefreshToken && attempt.after_refresh {
            return Stop(StopReason::RefreshAlreadyTried);
        }
        if attempt.number >= self.max_attempts {
            return Stop(StopReason::AttemptsExhausted);
        }
        if action == Action::RefreshToken {
            return RefreshToken { token: diagnosis.token() };
        }
        let may_have_done_work =
            matches!(diagnosis.category(), Some(Category::Internal | Category::Unavailable) | None);
        if may_have_done_work && attempt.idempotency == Idempotency::NotIdempotent {
            return Stop(StopReason::NotIdempotent);
        }
        let after = match diagnosis.retry_after_secs {
            Some(secs) => Duration::from_secs(secs),
            None => self.backoff(attempt.number, jitter),
        };
        let after = after.max(self.min_delay).min(self.max_delay);
        if self.budget.is_some_and(|budget| attempt.elapsed.saturating_add(after) > budget) {
            return Stop(StopReason::BudgetExhausted);
        }
        Retry { after }
    }

    /// Full-jitter exponential backoff after attempt `number`: a random wait between zero
    /// and `min(max_delay, base_delay * 2^(number - 1))`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lark_errors::retry::RetryPolicy;
    /// let p = RetryPolicy::default();
    /// assert_eq!(p.backoff(1, &mut || 1.0), Duration::from_millis(500));
    /// assert_eq!(p.backoff(3, &mut || 1.0), Duration::from_millis(2000));
    /// assert_eq!(p.backoff(3, &mut || 0.5), Duration::from_millis(1000));
    /// assert_eq!(p.backoff(40, &mut || 1.0), p.max_delay);
    /// ```
    pub fn backoff(&self, number: u32, jitter: &mut impl Jitter) -> Duration {
        let exp = 1u32.checked_shl(number.saturating_sub(1)).unwrap_or(u32::MAX);
        let ceiling = self.base_delay.saturating_mul(exp).min(self.max_delay);
        let fraction = jitter.fraction();
        let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 1.0 };
        ceiling.mul_f64(fraction)
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::Idempotency::{Idempotent, NotIdempotent};
    use super::*;
    use crate::diagnose::{NoHeaders, diagnose};

    fn diag(status: u16, body: &str) -> Diagnosis {
        diagnose(Some(status), &NoHeaders, body.as_bytes())
    }

    const INTERNAL: &str = r#"{"code":1500,"msg":"internal error"}"#;

    #[test]
    fn internal_errors_only_for_idempotent_requests() {
        let p = RetryPolicy::default();
        let d = diag(500, INTERNAL);
        assert_eq!(
            p.decide(&d, &Attempt::first(NotIdempotent), &mut || 1.0),
            RetryDecision::Stop(StopReason::NotIdempotent)
        );
        assert_eq!(
            p.decide(&d, &Attempt::first(Idempotent), &mut || 1.0),
            RetryDecision::Retry { after: Duration::from_millis(500) }
        );
    }

    #[test]
    fn attempts_and_budget_are_limits() {
        let p = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
        let d = diag(500, INTERNAL);
        let mut a = Attempt::first(Idempotent);
        let mut delays = Vec::new();
        loop {
            match p.decide(&d, &a, &mut || 1.0) {
                RetryDecision::Retry { after } => {
                    delays.push(after);
                    a = a.next(&RetryDecision::Retry { after }, Duration::ZERO);
                }
                other => {
                    assert_eq!(other, RetryDecision::Stop(StopReason::AttemptsExhausted));
                    break;
                }
            }
        }
        assert_eq!(delays, [Duration::from_millis(500), Duration::from_millis(1000)]);
        let late =
            Attempt { elapsed: Duration::from_millis(119_800), ..Attempt::first(Idempotent) };
        assert_eq!(
            p.decide(&d, &late, &mut || 1.0),
            RetryDecision::Stop(StopReason::BudgetExhausted)
        );
    }

    #[test]
    fn token_refresh_once_never_twice_in_a_row() {
        let p = RetryPolicy::default();
        let d = diag(400, r#"{"code":99991663,"msg":"Invalid access token for authorization"}"#);
        let first = Attempt::first(NotIdempotent);
        let decision = p.decide(&d, &first, &mut || 1.0);
        assert_eq!(decision, RetryDecision::RefreshToken { token: d.token() });
        let second = first.next(&decision, Duration::ZERO);
        assert_eq!(
            p.decide(&d, &second, &mut || 1.0),
            RetryDecision::Stop(StopReason::RefreshAlreadyTried)
        );
    }

    #[test]
    fn rate_limit_wait_is_capped() {
        let p = RetryPolicy { max_delay: Duration::from_secs(10), ..RetryPolicy::default() };
        let h = [("x-ogw-ratelimit-reset", "52")];
        let d = diagnose(
            Some(429),
            &h,
            br#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
        );
        assert_eq!(
            p.decide(&d, &Attempt::first(NotIdempotent), &mut || 0.0),
            RetryDecision::Retry { after: Duration::from_secs(10) }
        );
    }

    #[test]
    fn a_reset_of_zero_still_waits_the_minimum() {
        let h = [("x-ogw-ratelimit-reset", "0")];
        let d = diagnose(
            Some(429),
            &h,
            br#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
        );
        assert_eq!(d.retry_after_secs, Some(0));
        let p = RetryPolicy::default();
        assert_eq!(p.min_delay, Duration::from_millis(100));
        assert_eq!(
            p.decide(&d, &Attempt::first(NotIdempotent), &mut || 0.0),
            RetryDecision::Retry { after: Duration::from_millis(100) }
        );
        // Jittered backoff that draws zero is floored too.
        let internal = diag(500, INTERNAL);
        assert_eq!(
            p.decide(&internal, &Attempt::first(Idempotent), &mut || 0.0),
            RetryDecision::Retry { after: Duration::from_millis(100) }
        );
        // The cap wins over a floor set above it.
        let odd = p.with_min_delay(Duration::from_secs(90));
        assert_eq!(
            odd.decide(&d, &Attempt::first(NotIdempotent), &mut || 0.0),
            RetryDecision::Retry { after: Duration::from_secs(60) }
        );
    }

    #[test]
    fn budget_edge_is_inclusive() {
        // A wait that ends exactly at the budget is still scheduled; one past it is not.
        let p = RetryPolicy::default().with_budget(Some(Duration::from_secs(10)));
        let d = diag(500, INTERNAL);
        let at = |ms| Attempt::first(Idempotent).with_elapsed(Duration::from_millis(ms));
        assert_eq!(
            p.decide(&d, &at(9_500), &mut || 1.0),
            RetryDecision::Retry { after: Duration::from_millis(500) }
        );
        assert_eq!(
            p.decide(&d, &at(9_501), &mut || 1.0),
            RetryDecision::Stop(StopReason::BudgetExhausted)
        );
        let unlimited = p.with_budget(None);
        assert!(matches!(
            unlimited.decide(&d, &at(u64::MAX / 2), &mut || 1.0),
            RetryDecision::Retry { .. }
        ));
    }

    #[test]
    fn decisions_and_reasons_read_as_words() {
        use RetryDecision::{RefreshToken, Retry, Stop};
        let cases: &[(RetryDecision, &str)] = &[
            (Retry { after: Duration::from_millis(1500) }, "retry after 1500 ms"),
            (
                RefreshToken { token: Some(TokenKind::UserAccessToken) },
                "refresh the user_access_token and retry once",
            ),
            (RefreshToken { token: None }, "refresh the access token and retry once"),
            (Stop(StopReason::Success), "stop: success"),
            (Stop(StopReason::Unclassified), "stop: unclassified error"),
            (
                Stop(StopReason::NotRetryable(Action::FixRequest)),
                "stop: not retryable: fix the request",
            ),
            (
                Stop(StopReason::NotIdempotent),
                "stop: the request is not idempotent and may have done work",
            ),
            (
                Stop(StopReason::RefreshAlreadyTried),
                "stop: the token was refreshed already and still fails",
            ),
            (Stop(StopReason::AttemptsExhausted), "stop: attempt limit reached"),
            (Stop(StopReason::BudgetExhausted), "stop: retry time budget exhausted"),
        ];
        for (decision, words) in cases {
            assert_eq!(decision.to_string(), *words);
        }
    }

    #[test]
    fn seeded_jitter_is_splitmix64() {
        // The reference SplitMix64 sequence from seed 0.
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let mut j = SeededJitter::new(0);
        let expected = (0xE220_A839_7B1D_CDAFu64 >> 11) as f64 / (1u64 << 53) as f64;
        assert_eq!(j.fraction(), expected);
        assert_ne!(j.fraction(), expected);
    }

    #[test]
    fn backoff_doubles_from_the_base() {
        let p = RetryPolicy::default().with_base_delay(Duration::from_millis(100));
        let full: Vec<_> = (1..=5).map(|n| p.backoff(n, &mut || 1.0).as_millis()).collect();
        assert_eq!(full, [100, 200, 400, 800, 1600]);
        assert_eq!(p.backoff(0, &mut || 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, &mut || 0.25), Duration::from_millis(50));
    }

    #[test]
    fn next_attempt_counts_and_remembers_refreshes() {
        let a = Attempt::first(Idempotent);
        let b = a.next(&RetryDecision::RefreshToken { token: None }, Duration::from_secs(2));
        assert_eq!((b.number, b.elapsed, b.after_refresh), (2, Duration::from_secs(2), true));
        assert_eq!(b.idempotency, Idempotent);
        let c = b.next(&RetryDecision::Retry { after: Duration::ZERO }, Duration::from_secs(3));
        assert_eq!((c.number, c.after_refresh), (3, false));
        let max = Attempt { number: u32::MAX, ..a };
        assert_eq!(
            max.next(&RetryDecision::Retry { after: Duration::ZERO }, Duration::ZERO).number,
            u32::MAX
        );
    }

    #[test]
    fn attempts_edge_is_exact() {
        let p = RetryPolicy::default().with_max_attempts(2);
        let d = diag(500, INTERNAL);
        let second = Attempt { number: 2, ..Attempt::first(Idempotent) };
        let first = Attempt::first(Idempotent);
        assert!(matches!(p.decide(&d, &first, &mut || 1.0), RetryDecision::Retry { .. }));
        assert_eq!(
            p.decide(&d, &second, &mut || 1.0),
            RetryDecision::Stop(StopReason::AttemptsExhausted)
        );
    }

    #[test]
    fn idempotency_of_methods() {
        for m in ["GET", "head", "Options", "TRACE", "PUT", "DELETE"] {
            assert_eq!(Idempotency::of_method(m), Idempotent, "{m}");
        }
        for m in ["POST", "PATCH", "CONNECT", ""] {
            assert_eq!(Idempotency::of_method(m), NotIdempotent, "{m}");
        }
    }

    #[test]
    fn success_and_unclassified_stop() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(&diag(200, r#"{"code":0}"#), &Attempt::first(Idempotent), &mut || 1.0),
            RetryDecision::Stop(StopReason::Success)
        );
        let unknown = diagnose(None, &NoHeaders, br#"{"code":777777,"msg":"zzz"}"#);
        assert_eq!(
            p.decide(&unknown, &Attempt::first(Idempotent), &mut || 1.0),
            RetryDecision::Stop(StopReason::Unclassified)
        );
    }

    #[test]
    fn bad_jitter_is_clamped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, &mut || f64::NAN), Duration::from_millis(500));
        assert_eq!(p.backoff(1, &mut || -3.0), Duration::ZERO);
        assert_eq!(p.backoff(u32::MAX, &mut || 1.0), p.max_delay);
        let mut g = SplitMix64::new(1);
        assert!((0..1000).all(|_| (0.0..1.0).contains(&g.fraction())));
    }

    #[test]
    fn refreshes_only_tokens_obtained_the_same_way() {
        use TokenKind::{AppAccessToken, TenantAccessToken, UserAccessToken};
        let refresh = |token| RetryDecision::RefreshToken { token };
        for held in [TenantAccessToken, AppAccessToken, UserAccessToken] {
            assert!(refresh(None).refreshes(held));
            assert!(!RetryDecision::Retry { after: Duration::ZERO }.refreshes(held));
            assert!(!RetryDecision::Stop(StopReason::Success).refreshes(held));
        }
        assert!(refresh(Some(TenantAccessToken)).refreshes(TenantAccessToken));
        assert!(refresh(Some(TenantAccessToken)).refreshes(AppAccessToken));
        assert!(refresh(Some(AppAccessToken)).refreshes(TenantAccessToken));
        assert!(refresh(Some(UserAccessToken)).refreshes(UserAccessToken));
        assert!(!refresh(Some(UserAccessToken)).refreshes(TenantAccessToken));
        assert!(!refresh(Some(TenantAccessToken)).refreshes(UserAccessToken));
    }
}
