//! When a failed request is sent again, and how long the client waits first.
//!
//! The rules follow what the API contract promises and what HTTP says is safe:
//!
//! - 429, 502, 503 and 504 are worth another try; every other status is an answer (401, 403,
//!   404, 400 and 422 in particular never change by asking again).
//! - A GET changes nothing, so it is retried after any of those statuses and after any failure
//!   to get a response, except a timeout (which has used up the time the caller gave).
//! - Reset is a POST that changes the token. It is retried only where the service provably did
//!   not act on it: the connection could not be made, or the answer was 429 (the rate limiter
//!   turns a request away before it is processed). [`RetryPolicy::retry_resets`] opts in to
//!   treating it like a GET, for callers who accept that a reset may happen twice.
//! - The wait grows exponentially from [`RetryPolicy::initial_backoff`] up to
//!   [`RetryPolicy::max_backoff`], with jitter so that many clients do not retry in step. A
//!   `Retry-After` header (seconds or an HTTP date) sets a floor on the wait; when it asks for
//!   longer than [`RetryPolicy::max_retry_after`], the client gives up instead of hammering.
//! - A whole call, retries and waits included, ends by [`RetryPolicy::deadline`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;

/// How the client retries failed requests. The defaults suit interactive services; see each
/// setter for its default.
///
/// ```
/// use std::time::Duration;
/// use signalwire_conference_tokens::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .space("example")
///     .project_id("a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03")
///     .api_token("PT-token")
///     .retry(RetryPolicy::default().max_retries(5).deadline(Duration::from_secs(120)))
///     .build()?;
/// # Ok::<(), signalwire_conference_tokens::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry_resets: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            retry_resets: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn never() -> Self {
        Self::default().max_retries(0)
    }

    /// How many times a request may be sent again after the first. Default: 3.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The wait before the first retry; it doubles for each retry after it. Default: 200 ms.
    #[must_use]
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two tries, before jitter. Default: 5 s.
    #[must_use]
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest `Retry-After` the client waits for; when the service asks for longer, the
    /// call fails with the service's answer instead. Default: 30 s.
    #[must_use]
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The most time one call may take, every try and wait included. Each try's own timeout
    /// is cut short to fit. Default: 60 s.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Whether a reset may be sent again after a 502, 503, 504 or a broken connection, where
    /// the service may already have replaced the secret. Default: `false`, so a reset is
    /// repeated only after a refused connection or a 429.
    #[must_use]
    pub fn retry_resets(mut self, retry: bool) -> Self {
        self.retry_resets = retry;
        self
    }

    /// Whether a request that got `status` may be sent again.
    pub(crate) fn retries_status(&self, status: StatusCode, idempotent: bool) -> bool {
        match status.as_u16() {
            429 => true,
            502..=504 => idempotent || self.retry_resets,
            _ => false,
        }
    }

    /// Whether a request that failed without a response may be sent again.
    pub(crate) fn retries_failure(&self, error: &reqwest::Error, idempotent: bool) -> bool {
        if error.is_timeout() {
            return false;
        }
        // A failed connection means nothing was sent; anything later may have reached the
        // service.
        error.is_connect() || idempotent || self.retry_resets
    }

    /// The wait before retry number `retry` (1 for the first), without jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// A wait drawn between half of `wait` and all of it, so that clients that failed together do
/// not retry together.
pub(crate) fn with_jitter(wait: Duration) -> Duration {
    // Not for secrets: a counter mixed with the clock is spread enough for jitter.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos() as u64);
    let mut x = nanos ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;

    let fraction = (x >> 11) as f64 / (1u64 << 53) as f64;
    wait.mul_f64(0.5 + fraction / 2.0)
}

/// `instant + duration`, or a century later where that sum does not fit (a deadline or a wait
/// of `Duration::MAX` is a setting the builder accepts, and means "no limit").
pub(crate) fn later(instant: Instant, duration: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);
    instant
        .checked_add(duration)
        .unwrap_or_else(|| instant + CENTURY)
}

/// The wait a `Retry-After` value asks for: a number of seconds, or an HTTP date (a date in
/// the past means now). `None` for a value that is neither.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // More seconds than a u64 holds is still a request to wait, longer than any cap.
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_past_a_u64_asks_for_the_longest_wait() {
        let now = SystemTime::UNIX_EPOCH;

        assert_eq!(
            parse_retry_after("99999999999999999999", now),
            Some(Duration::MAX)
        );
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn instants_too_far_away_saturate_instead_of_panicking() {
        let now = Instant::now();

        assert!(later(now, Duration::MAX) > later(now, Duration::from_secs(1_000_000)));
        assert_eq!(
            later(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();

        let waits: Vec<u128> = (1..=7)
            .map(|retry| policy.backoff(retry).as_millis())
            .collect();

        assert_eq!(waits, [200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(5));
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_wait() {
        let wait = Duration::from_millis(1000);
        let draws: Vec<Duration> = (0..1000).map(|_| with_jitter(wait)).collect();

        assert!(draws.iter().all(|draw| *draw >= wait / 2 && *draw <= wait));
        let distinct: std::collections::HashSet<_> = draws.iter().collect();
        assert!(
            distinct.len() > 900,
            "only {} distinct waits",
            distinct.len()
        );
    }

    #[test]
    fn only_transient_statuses_are_retried_and_resets_only_after_429() {
        let policy = RetryPolicy::default();
        let retried = |status: u16, idempotent: bool| {
            policy.retries_status(StatusCode::from_u16(status).unwrap(), idempotent)
        };

        for status in [429, 502, 503, 504] {
            assert!(retried(status, true), "GET after {status}");
        }
        for status in [400, 401, 403, 404, 422, 500, 501, 200, 301] {
            assert!(!retried(status, true), "GET after {status}");
        }
        assert!(retried(429, false));
        for status in [502, 503, 504] {
            assert!(!retried(status, false), "reset after {status}");
            assert!(
                policy
                    .clone()
                    .retry_resets(true)
                    .retries_status(StatusCode::from_u16(status).unwrap(), false)
            );
        }
    }

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);

        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        // 1445412480 is Wed, 21 Oct 2015 07:28:00 GMT.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
    }
}
