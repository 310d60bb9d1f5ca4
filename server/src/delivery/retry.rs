//! When a deferred recipient (or a failed webhook delivery) is tried again: exponential
//! backoff with jitter, until the message (or event) reaches its maximum age.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max_delay: Duration,
    pub max_age: Duration,
}

impl RetryPolicy {
    /// The wait before the next attempt, after `attempts` attempts of a message accepted
    /// `age` ago; None when the next attempt would come after the maximum age (the
    /// recipient bounces instead).
    pub fn next_delay(&self, attempts: u32, age: Duration) -> Option<Duration> {
        let doubling = 2u32.saturating_pow(attempts.saturating_sub(1));
        let delay = self.base.saturating_mul(doubling).min(self.max_delay);
        // Up to a quarter more, so recipients deferred together do not return together.
        let jitter = delay.mul_f64(rand::thread_rng().gen_range(0.0..0.25));
        let delay = delay + jitter;
        (age + delay <= self.max_age).then_some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        base: Duration::from_secs(60),
        max_delay: Duration::from_secs(3600),
        max_age: Duration::from_secs(14 * 3600),
    };

    fn within(delay: Duration, low: u64) -> bool {
        delay >= Duration::from_secs(low) && delay <= Duration::from_secs(low).mul_f64(1.25)
    }

    #[test]
    fn delays_double_from_the_base_up_to_the_maximum() {
        let fresh = Duration::ZERO;
        assert!(within(POLICY.next_delay(1, fresh).unwrap(), 60));
        assert!(within(POLICY.next_delay(2, fresh).unwrap(), 120));
        assert!(within(POLICY.next_delay(4, fresh).unwrap(), 480));
        assert!(within(POLICY.next_delay(9, fresh).unwrap(), 3600));
        assert!(within(POLICY.next_delay(u32::MAX, fresh).unwrap(), 3600));
    }

    #[test]
    fn no_retry_falls_after_the_maximum_age() {
        let almost = Duration::from_secs(14 * 3600 - 30);
        assert_eq!(POLICY.next_delay(1, almost), None);
        assert!(POLICY.next_delay(1, Duration::from_secs(3600)).is_some());
    }
}
